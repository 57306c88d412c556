// SilenceStore on the single table: every silence in one small partition (a few dozen at a time), each
// changed only by a conditional write on the `updatedAt` it was read with, kept 30 days after its end.
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../../shared/table-schema';
import type { Silence } from '../core/silence-types';
import type { SilenceStore } from '../ports';
import { type ItemsRead, isConditionFailure, putNew, UpdateBuilder } from './dynamodb-table';
import { endedAt, FIXED_SILENCE_FIELDS, nextVersion } from './silence-versions';
import { readSilence, strip } from './store-records';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_KEYS;
const PARTITION = 'SILENCES';
/** How long a silence is kept once it has ended (its entry answers "what held this back?"). */
const KEPT_DAYS_AFTER_END = 30;
const silenceKey = (id: string) => ({ [PK]: PARTITION, [SK]: `SILENCE#${id}` });

const expiry = (s: Pick<Silence, 'endsAt' | 'cancelled'>): number =>
  Math.floor(Date.parse(endedAt(s)) / 1000) + KEPT_DAYS_AFTER_END * 86_400;

export class DynamoSilences implements SilenceStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly reads: ItemsRead,
    private readonly tableName: string,
  ) {}

  async createSilence(silence: Silence): Promise<boolean> {
    return putNew(this.doc, this.tableName, {
      ...silenceKey(silence.id),
      ...silence,
      endedAt: endedAt(silence),
      [TTL]: expiry(silence),
    });
  }

  async getSilence(id: string): Promise<Silence | null> {
    const res = await this.reads.of(
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: silenceKey(id), ConsistentRead: true })),
    );
    return res.Item ? readSilence(withoutBookkeeping(res.Item)) : null;
  }

  async listSilences(since: Date): Promise<Silence[]> {
    const out: Silence[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.reads.of(
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            FilterExpression: 'endedAt >= :since',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':pk': PARTITION, ':since': since.toISOString() },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of res.Items ?? []) out.push(readSilence(withoutBookkeeping(item)));
      startKey = res.LastEvaluatedKey;
    } while (startKey);
    return out.sort((a, b) =>
      a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1,
    );
  }

  async updateSilence(id: string, change: Partial<Silence>, expected: Silence): Promise<boolean> {
    const next = { ...expected, ...change };
    const update = new UpdateBuilder();
    for (const [field, value] of Object.entries(change)) {
      if (FIXED_SILENCE_FIELDS.has(field)) continue;
      if (value === undefined) update.remove(field);
      else update.set(field, value);
    }
    update
      .set('updatedAt', nextVersion(change.updatedAt, expected.updatedAt))
      .set('endedAt', endedAt(next))
      .set(TTL, expiry(next))
      .condition('{updatedAt} = {v0}', ['updatedAt'], [expected.updatedAt]);
    try {
      await this.doc.send(new UpdateCommand(update.build(this.tableName, silenceKey(id))));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** Adds to what a silence held back; nothing when the silence is gone. Not a change of its version. */
  async addHeld(id: string, n: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: silenceKey(id),
          UpdateExpression: 'ADD held :n',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':n': n },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
}

const withoutBookkeeping = (item: Record<string, unknown>): Record<string, unknown> => {
  const { endedAt: _endedAt, ...rest } = strip(item);
  return rest;
};
