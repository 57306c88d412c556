// The table definition for local stores (dynalite) and tests; infra/ builds the same one with CDK.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { BY_TIME_INDEX, PENDING_INDEX, TABLE_KEYS } from '../../shared/table-schema';

export const createTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    TABLE_KEYS.partitionKey,
    TABLE_KEYS.sortKey,
    BY_TIME_INDEX.partitionKey,
    BY_TIME_INDEX.sortKey,
    PENDING_INDEX.partitionKey,
    PENDING_INDEX.sortKey,
  ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
  KeySchema: [
    { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
    { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [BY_TIME_INDEX, PENDING_INDEX].map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  })),
});
