// AWS SDK clients with timeouts: a store (or SNS, or Secrets Manager) that accepts a connection and never
// answers must fail the call within seconds, not hold the function until Lambda kills it.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { AWS_CALL_TIMEOUTS_MS } from '../../shared/timeouts';

/** Client settings for every AWS call on the delivery path (shared/timeouts.ts). */
export const AWS_CALL_SETTINGS = {
  maxAttempts: AWS_CALL_TIMEOUTS_MS.attempts,
  requestHandler: {
    connectionTimeout: AWS_CALL_TIMEOUTS_MS.connection,
    requestTimeout: AWS_CALL_TIMEOUTS_MS.request,
    // Without it the SDK only logs a warning when the timeout passes, and keeps waiting.
    throwOnRequestTimeout: true,
  },
} as const;

export const createDynamoClient = (config: DynamoDBClientConfig = {}): DynamoDBClient =>
  new DynamoDBClient({ ...AWS_CALL_SETTINGS, ...config });
