// The DynamoDB client with timeouts: a store that accepts a connection and never answers must fail the call
// within seconds, not hang the function until Lambda kills it.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DYNAMODB_TIMEOUTS_MS } from '../../shared/timeouts';

export const createDynamoClient = (config: DynamoDBClientConfig = {}): DynamoDBClient =>
  new DynamoDBClient({
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: DYNAMODB_TIMEOUTS_MS.connection,
      requestTimeout: DYNAMODB_TIMEOUTS_MS.request,
      // Without it the SDK only logs a warning when the timeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
    },
    ...config,
  });
