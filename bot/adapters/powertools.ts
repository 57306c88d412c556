// Logger and Metrics ports on Powertools for AWS Lambda: structured JSON logs, and metrics written as
// CloudWatch embedded metric format lines (no PutMetricData call, no extra permission). The namespace and
// the `service` dimension come from the config (POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME).
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { BotMetricName } from '../../shared/metrics';
import type { LogLevel } from '../pipeline/config';
import type { Logger, Metrics } from '../ports';

const LEVELS = { info: 'INFO', warn: 'WARN', error: 'ERROR', silent: 'SILENT' } as const;

export const createPowertoolsLogger = (level: LogLevel, service: string): Logger => {
  const logger = new PowertoolsLogger({ logLevel: LEVELS[level], serviceName: service });
  return {
    info: (message, fields = {}) => logger.info(message, fields),
    warn: (message, fields = {}) => logger.warn(message, fields),
    error: (message, fields = {}) => logger.error(message, fields),
  };
};

export const createPowertoolsMetrics = (options: { namespace: string; service: string }): Metrics => {
  const metrics = new PowertoolsMetrics({ namespace: options.namespace, serviceName: options.service });
  let stored = 0;
  return {
    count: (name: BotMetricName, value = 1) => {
      metrics.addMetric(name, MetricUnit.Count, value);
      stored += 1;
    },
    gauge: (name: BotMetricName, value: number, unit: 'Seconds' | 'Count') => {
      metrics.addMetric(name, unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, value);
      stored += 1;
    },
    flush: () => {
      if (stored === 0) return;
      stored = 0;
      metrics.publishStoredMetrics();
    },
  };
};
