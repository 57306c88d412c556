// DynamoDB single-table layout shared by the store adapter and the CDK table.
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL deletes lazily, so readers filter on it too. */
  ttlAttribute: 'expiresAt',
} as const;

/** Sign-ins by time: partition per UTC day, sorted by event time. */
export const BY_TIME_INDEX = { name: 'byTime', partitionKey: 'tpk', sortKey: 'tsk' } as const;

/** Sparse index of alerts whose Slack post has not landed yet (the sweeper retries them). */
export const PENDING_INDEX = { name: 'pending', partitionKey: 'ppk', sortKey: 'psk' } as const;
