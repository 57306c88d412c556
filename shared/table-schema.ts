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

/**
 * Sign-ins by person: partition `U#<userKey>`, sorted by event time (`<time>#<eventId>`, the byTime sort key).
 * Keys only: a filtered query reads the few records it needs by key, and each sign-in is not stored twice more.
 */
export const BY_USER_INDEX = { name: 'byUser', partitionKey: 'upk', sortKey: 'tsk' } as const;

/** Sign-ins by source address: partition `IP#<normalized address>`, sorted by event time; keys only. */
export const BY_IP_INDEX = { name: 'byIp', partitionKey: 'ipk', sortKey: 'tsk' } as const;

/** Every global secondary index of the table, and what it projects. */
export const TABLE_INDEXES = [
  { ...BY_TIME_INDEX, projection: 'ALL' },
  { ...PENDING_INDEX, projection: 'ALL' },
  { ...BY_USER_INDEX, projection: 'KEYS_ONLY' },
  { ...BY_IP_INDEX, projection: 'KEYS_ONLY' },
] as const;
