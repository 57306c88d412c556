// The last health check, kept in the bot's table under its own key: when it last ran (so that the sweeper,
// scheduled every minute, runs the checks at most once an hour) and what it found (to raise only changes).
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { TABLE_KEYS } from '../../shared/table-schema';
import type { CheckResult } from '../core/health-checks';
import type { HealthRunClaim, HealthStateStore } from '../pipeline/health-watch';

/** One item: pk HEALTH, sk LAST (no other record uses the HEALTH partition). */
export const HEALTH_STATE_KEY = {
  [TABLE_KEYS.partitionKey]: 'HEALTH',
  [TABLE_KEYS.sortKey]: 'LAST',
} as const;

const checkResultSchema = z.discriminatedUnion('status', [
  z.object({ key: z.string(), status: z.literal('ok'), title: z.string() }),
  z.object({ key: z.string(), status: z.literal('broken'), title: z.string(), fix: z.string() }),
  z.object({ key: z.string(), status: z.literal('unknown'), title: z.string(), reason: z.string() }),
]);
const storedSchema = z.object({ checkedAt: z.string(), results: z.array(checkResultSchema) });

export class DynamoHealthStateStore implements HealthStateStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async claimRun(now: Date, intervalMs: number): Promise<HealthRunClaim> {
    const cutoff = new Date(now.getTime() - intervalMs).toISOString();
    try {
      // One conditional write decides which of concurrent sweepers runs the checks this hour.
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: HEALTH_STATE_KEY,
          UpdateExpression: 'SET startedAt = :now',
          ConditionExpression: 'attribute_not_exists(startedAt) OR startedAt <= :cutoff',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':cutoff': cutoff },
          ReturnValues: 'ALL_OLD',
        }),
      );
      // A stored value that does not parse counts as no previous run: the next one starts afresh.
      const previous = storedSchema.safeParse(res.Attributes);
      return { claimed: true, previous: previous.success ? previous.data : null };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return { claimed: false };
      throw err;
    }
  }

  async saveResults(results: readonly CheckResult[], now: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: HEALTH_STATE_KEY,
        UpdateExpression: 'SET checkedAt = :now, results = :results',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':results': results },
      }),
    );
  }
}
