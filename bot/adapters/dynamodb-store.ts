// SignInStore on DynamoDB (one table; see shared/table-schema.ts). The same code runs against real
// DynamoDB on Lambda and against the embedded dynalite server locally and in tests.
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { BY_TIME_INDEX, PENDING_INDEX, TABLE_KEYS } from '../../shared/table-schema';
import type { ClassifiedSignIn } from '../core/sign-in';
import type { AlertRecord, ClaimResult, NewAlert, SignInQuery, SignInStore } from '../ports';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_KEYS;
const PENDING_PARTITION = 'PENDING';
const DAY_MS = 86_400_000;

const signInKey = (eventId: string) => ({ [PK]: `SIGNIN#${eventId}`, [SK]: 'SIGNIN' });
const alertKey = (alertId: string) => ({ [PK]: `ALERT#${alertId}`, [SK]: 'ALERT' });
const dayPartition = (iso: string): string => `DAY#${iso.slice(0, 10)}`;
const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

const INTERNAL = new Set<string>([
  PK,
  SK,
  TTL,
  BY_TIME_INDEX.partitionKey,
  BY_TIME_INDEX.sortKey,
  PENDING_INDEX.partitionKey,
  PENDING_INDEX.sortKey,
  'receivedAt',
]);
const strip = <T>(item: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.has(k))) as T;

export interface DynamoStoreOptions {
  readonly tableName: string;
  /** Days a sign-in and its alert are kept (TTL). */
  readonly retentionDays: number;
}

export class DynamoSignInStore implements SignInStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly options: DynamoStoreOptions,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private expiry(now: Date): number {
    return epochSeconds(now) + this.options.retentionDays * 86_400;
  }

  async saveSignIn(signIn: ClassifiedSignIn, now: Date): Promise<void> {
    // Sign-ins without a readable time are filed under the time they arrived.
    const when = signIn.time ?? now.toISOString();
    await this.doc.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          ...signInKey(signIn.eventId),
          ...signIn,
          [BY_TIME_INDEX.partitionKey]: dayPartition(when),
          [BY_TIME_INDEX.sortKey]: `${when}#${signIn.eventId}`,
          receivedAt: now.toISOString(),
          [TTL]: this.expiry(now),
        },
      }),
    );
  }

  async getSignIn(eventId: string): Promise<ClassifiedSignIn | null> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.options.tableName, Key: signInKey(eventId) }),
    );
    return res.Item ? strip<ClassifiedSignIn>(res.Item) : null;
  }

  async listSignIns(query: SignInQuery, now: Date): Promise<ClassifiedSignIn[]> {
    const limit = query.limit ?? 1000;
    const out: ClassifiedSignIn[] = [];
    const fromIso = query.from.toISOString();
    const toIso = query.to.toISOString();
    // Walk the day partitions newest first, so a limit keeps the most recent sign-ins.
    for (let day = Date.parse(toIso.slice(0, 10)); day >= Date.parse(fromIso.slice(0, 10)); day -= DAY_MS) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await this.doc.send(
          new QueryCommand({
            TableName: this.options.tableName,
            IndexName: BY_TIME_INDEX.name,
            KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
            // TTL deletion is lazy (and dynalite has none): expired items are filtered here.
            FilterExpression: '#ttl > :now',
            ExpressionAttributeNames: {
              '#p': BY_TIME_INDEX.partitionKey,
              '#s': BY_TIME_INDEX.sortKey,
              '#ttl': TTL,
            },
            ExpressionAttributeValues: {
              ':p': dayPartition(new Date(day).toISOString()),
              ':from': fromIso,
              ':to': `${toIso}#\uffff`,
              ':now': epochSeconds(now),
            },
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of res.Items ?? []) {
          out.push(strip<ClassifiedSignIn>(item));
          if (out.length >= limit) return out;
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey);
    }
    return out;
  }

  async claimAlert(alert: NewAlert, now: Date, leaseMs: number): Promise<ClaimResult> {
    const nowIso = now.toISOString();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const record: AlertRecord = {
      ...alert,
      status: 'posting',
      attempts: 1,
      leaseUntil,
      leaseId: randomUUID(),
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...alertKey(alert.alertId),
            ...record,
            [PENDING_INDEX.partitionKey]: PENDING_PARTITION,
            [PENDING_INDEX.sortKey]: leaseUntil,
            [TTL]: this.expiry(now),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return { status: 'claimed', alert: record };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    const existing = await this.getAlert(alert.alertId);
    if (!existing) return this.claimAlert(alert, now, leaseMs);
    if (existing.status === 'posted') return { status: 'posted', alert: existing };
    if (existing.status === 'failed') return { status: 'failed', alert: existing };
    if (existing.status === 'posting' && existing.leaseUntil > nowIso)
      return { status: 'in-flight', alert: existing };
    return this.takeOver(existing, now, leaseUntil);
  }

  /** Claims a pending alert, or one whose lease ran out, unless someone else got there first. */
  private async takeOver(existing: AlertRecord, now: Date, leaseUntil: string): Promise<ClaimResult> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: alertKey(existing.alertId),
          UpdateExpression:
            'SET #status = :posting, leaseUntil = :lease, leaseId = :leaseId, attempts = attempts + :one, updatedAt = :now, #psk = :lease',
          ConditionExpression: '#status = :seenStatus AND leaseUntil = :seenLease',
          ExpressionAttributeNames: { '#status': 'status', '#psk': PENDING_INDEX.sortKey },
          ExpressionAttributeValues: {
            ':posting': 'posting',
            ':lease': leaseUntil,
            ':leaseId': randomUUID(),
            ':one': 1,
            ':now': now.toISOString(),
            ':seenStatus': existing.status,
            ':seenLease': existing.leaseUntil,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { status: 'claimed', alert: strip<AlertRecord>(res.Attributes ?? {}) };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const latest = await this.getAlert(existing.alertId);
      return { status: latest?.status === 'posted' ? 'posted' : 'in-flight', alert: latest ?? existing };
    }
  }

  async markAlertPosted(alertId: string, posted: { channel: string; ts: string }, now: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: alertKey(alertId),
        UpdateExpression:
          'SET #status = :posted, channel = :channel, ts = :ts, updatedAt = :now REMOVE #ppk, #psk, lastError',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#ppk': PENDING_INDEX.partitionKey,
          '#psk': PENDING_INDEX.sortKey,
        },
        ExpressionAttributeValues: {
          ':posted': 'posted',
          ':channel': posted.channel,
          ':ts': posted.ts,
          ':now': now.toISOString(),
        },
      }),
    );
  }

  async markAlertPending(
    alertId: string,
    leaseId: string,
    error: string,
    now: Date,
    retryAt: Date,
  ): Promise<boolean> {
    const retryIso = retryAt.toISOString();
    return this.ifLeaseHeld(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: alertKey(alertId),
        UpdateExpression:
          'SET #status = :pending, lastError = :error, updatedAt = :now, leaseUntil = :retry, #psk = :retry',
        ConditionExpression: '#status = :posting AND leaseId = :leaseId',
        ExpressionAttributeNames: { '#status': 'status', '#psk': PENDING_INDEX.sortKey },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':posting': 'posting',
          ':leaseId': leaseId,
          ':error': error.slice(0, 1000),
          ':now': now.toISOString(),
          ':retry': retryIso,
        },
      }),
    );
  }

  async markAlertFailed(alertId: string, leaseId: string, error: string, now: Date): Promise<boolean> {
    return this.ifLeaseHeld(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: alertKey(alertId),
        UpdateExpression: 'SET #status = :failed, lastError = :error, updatedAt = :now REMOVE #ppk, #psk',
        ConditionExpression: '#status = :posting AND leaseId = :leaseId',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#ppk': PENDING_INDEX.partitionKey,
          '#psk': PENDING_INDEX.sortKey,
        },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':posting': 'posting',
          ':leaseId': leaseId,
          ':error': error.slice(0, 1000),
          ':now': now.toISOString(),
        },
      }),
    );
  }

  /** Runs an update conditioned on holding the lease; false when someone else holds it now. */
  private async ifLeaseHeld(command: UpdateCommand): Promise<boolean> {
    try {
      await this.doc.send(command);
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async getAlert(alertId: string): Promise<AlertRecord | null> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.options.tableName, Key: alertKey(alertId), ConsistentRead: true }),
    );
    return res.Item ? strip<AlertRecord>(res.Item) : null;
  }

  async listDueAlerts(now: Date, limit: number): Promise<AlertRecord[]> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.options.tableName,
        IndexName: PENDING_INDEX.name,
        KeyConditionExpression: '#p = :p AND #s <= :now',
        ExpressionAttributeNames: { '#p': PENDING_INDEX.partitionKey, '#s': PENDING_INDEX.sortKey },
        ExpressionAttributeValues: { ':p': PENDING_PARTITION, ':now': now.toISOString() },
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map((item) => strip<AlertRecord>(item));
  }
}
