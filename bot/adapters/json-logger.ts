// Structured JSON log lines (one per call), the shape CloudWatch Logs Insights queries well.
import type { Logger } from '../ports';

type Level = 'info' | 'warn' | 'error';
const ORDER: Record<Level | 'silent', number> = { info: 0, warn: 1, error: 2, silent: 3 };

export const createJsonLogger = (
  options: { level?: Level | 'silent'; write?: (line: string) => void } = {},
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
