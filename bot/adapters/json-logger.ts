// Structured JSON log lines (one per call), the shape CloudWatch Logs Insights queries well.
import type { LogLevel } from '../pipeline/config';
import type { Logger } from '../ports';

type Level = Exclude<LogLevel, 'silent'>;
const ORDER: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };

export const createJsonLogger = (
  options: { level?: LogLevel; write?: (line: string) => void } = {},
): Logger => {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < min) return;
      write(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }));
    };
  return { info: log('info'), warn: log('warn'), error: log('error') };
};
