// The bot's store on DynamoDB (one table; see shared/table-schema.ts): sign-ins and alerts here, activity
// (rollups, baselines, indexes) in dynamodb-activity.ts, silences in dynamodb-silences.ts. The same code runs
// against real DynamoDB on Lambda and against the embedded dynalite server locally and in tests. Every change
// of an alert's delivery state is one conditional write on the state (and lease) it expects to find.
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SEVERITIES } from '../../shared/severity';
import { BY_TIME_INDEX, PENDING_INDEX, TABLE_KEYS } from '../../shared/table-schema';
import type { GeoData } from '../core/geo';
import type { ActivitySummary } from '../core/query';
import type { ClassifiedSignIn } from '../core/sign-in';
import type { Silence } from '../core/silence-types';
import type {
  AlertRecord,
  AlertResponse,
  BotStore,
  BurstJoin,
  BurstJoinRequest,
  ClaimResult,
  DueAlert,
  InitialResponse,
  NewAlert,
  PendingUpdate,
  PostedMessage,
  RecordedSignIns,
  SignInKey,
  SignInQuery,
} from '../ports';
import { DynamoActivity } from './dynamodb-activity';
import { DynamoBursts } from './dynamodb-burst';
import { DynamoSilences } from './dynamodb-silences';
import { ItemsRead, isConditionFailure, putNew } from './dynamodb-table';
import {
  alertKey,
  byTimePartition,
  clipString,
  dueAlertSchema,
  newAlertItem,
  pendingPartition,
  readAlert,
  readSignIn,
  signInKey,
  strip,
  TIMER_PARTITION,
} from './store-records';

const { partitionKey: PK, ttlAttribute: TTL } = TABLE_KEYS;
const DAY_MS = 86_400_000;

const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

export interface DynamoStoreOptions {
  readonly tableName: string;
  /** Days a sign-in (after its event time) and an alert (after its post) are kept (TTL). */
  readonly retentionDays: number;
}

export class DynamoSignInStore implements BotStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly reads = new ItemsRead();
  private readonly activity: DynamoActivity;
  private readonly silences: DynamoSilences;
  private readonly bursts: DynamoBursts;

  constructor(
    client: DynamoDBClient,
    private readonly options: DynamoStoreOptions,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.activity = new DynamoActivity(this.doc, this.reads, options);
    this.silences = new DynamoSilences(this.doc, this.reads, options.tableName);
    this.bursts = new DynamoBursts(this.doc, this.reads, options.tableName);
  }

  get itemsRead(): number {
    return this.reads.total;
  }

  private expiry(now: Date): number {
    return epochSeconds(now) + this.options.retentionDays * 86_400;
  }

  /** One sign-in stored like a batch of one: filed by event time, counted in the rollups and its baseline. */
  async saveSignIn(signIn: ClassifiedSignIn, now: Date): Promise<void> {
    await this.activity.recordSignIns([signIn], now);
  }

  recordSignIns(signIns: readonly ClassifiedSignIn[], now: Date): Promise<RecordedSignIns> {
    return this.activity.recordSignIns(signIns, now);
  }

  readActivity(from: Date, to: Date, now: Date, geo?: GeoData | null): Promise<ActivitySummary> {
    return this.activity.readActivity(from, to, now, geo);
  }

  listSignInsOf(key: SignInKey, from: Date, to: Date, limit: number, now: Date): Promise<ClassifiedSignIn[]> {
    return this.activity.listSignInsOf(key, from, to, limit, now);
  }

  coverageStart(now: Date): Promise<Date | null> {
    return this.activity.coverageStart(now);
  }

  async countSilenced(silenceId: string, signIns: readonly ClassifiedSignIn[]): Promise<void> {
    const held = await this.activity.countSilenced(silenceId, signIns);
    if (held > 0) await this.silences.addHeld(silenceId, held);
  }

  createSilence(silence: Silence): Promise<boolean> {
    return this.silences.createSilence(silence);
  }

  getSilence(id: string): Promise<Silence | null> {
    return this.silences.getSilence(id);
  }

  listSilences(since: Date): Promise<Silence[]> {
    return this.silences.listSilences(since);
  }

  updateSilence(id: string, change: Partial<Silence>, expected: Silence): Promise<boolean> {
    return this.silences.updateSilence(id, change, expected);
  }

  async getSignIn(eventId: string): Promise<ClassifiedSignIn | null> {
    const res = await this.reads.of(
      this.doc.send(new GetCommand({ TableName: this.options.tableName, Key: signInKey(eventId) })),
    );
    return res.Item ? readSignIn(strip(res.Item)) : null;
  }

  async listSignIns(query: SignInQuery, now: Date): Promise<ClassifiedSignIn[]> {
    const limit = query.limit ?? 1000;
    const out: ClassifiedSignIn[] = [];
    const fromIso = query.from.toISOString();
    const toIso = query.to.toISOString();
    const filter = signInFilter(query.filter);
    // Walk the day partitions newest first, so a limit keeps the most recent sign-ins. The filter runs in
    // DynamoDB, before the limit: 501 CheckMfa rows cannot hide the ConsoleLogin an alarm counted.
    for (let day = Date.parse(toIso.slice(0, 10)); day >= Date.parse(fromIso.slice(0, 10)); day -= DAY_MS) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await this.reads.of(
          this.doc.send(
            new QueryCommand({
              TableName: this.options.tableName,
              IndexName: BY_TIME_INDEX.name,
              KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
              // TTL deletion is lazy (and dynalite has none): expired items are filtered here.
              FilterExpression: ['#ttl > :now', ...filter.conditions].join(' AND '),
              ExpressionAttributeNames: {
                '#p': BY_TIME_INDEX.partitionKey,
                '#s': BY_TIME_INDEX.sortKey,
                '#ttl': TTL,
                ...filter.names,
              },
              ExpressionAttributeValues: {
                ':p': byTimePartition(new Date(day).toISOString()),
                ':from': fromIso,
                ':to': `${toIso}#\uffff`,
                ':now': epochSeconds(now),
                ...filter.values,
              },
              ScanIndexForward: false,
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        for (const item of res.Items ?? []) {
          out.push(readSignIn(strip(item)));
          if (out.length >= limit) return out;
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey);
    }
    return out;
  }

  async createAlert(alert: NewAlert, now: Date): Promise<boolean> {
    return putNew(this.doc, this.options.tableName, newAlertItem(alert, now));
  }

  async claimAlert(alertId: string, now: Date, leaseMs: number): Promise<ClaimResult> {
    const seen = await this.getAlert(alertId);
    const nowIso = now.toISOString();
    const claimable =
      seen !== null && (seen.status === 'pending' || seen.status === 'posting') && seen.dueAt <= nowIso;
    if (!claimable) return { status: 'unavailable', alert: seen };
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: alertKey(alertId),
          UpdateExpression:
            'SET #status = :posting, dueAt = :lease, leaseId = :leaseId, attempts = attempts + :one, ' +
            'lastOutcome = :outcome, updatedAt = :now, #psk = :lease',
          // Exactly the state we read: a concurrent claim, post or release makes this one fail.
          ConditionExpression: '#status = :seenStatus AND dueAt = :seenDue',
          ExpressionAttributeNames: { '#status': 'status', '#psk': PENDING_INDEX.sortKey },
          ExpressionAttributeValues: {
            ':posting': 'posting',
            ':lease': leaseUntil,
            ':leaseId': randomUUID(),
            ':one': 1,
            ':now': nowIso,
            // A lease that ran out belonged to a worker that may have posted before it died.
            ':outcome': seen.status === 'posting' ? 'unknown' : (seen.lastOutcome ?? 'not-sent'),
            ':seenStatus': seen.status,
            ':seenDue': seen.dueAt,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { status: 'claimed', alert: readAlert(strip(res.Attributes ?? {})) };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return { status: 'unavailable', alert: await this.getAlert(alertId) };
    }
  }

  async markAlertPosted(
    alertId: string,
    leaseId: string,
    posted: PostedMessage,
    now: Date,
    initial?: InitialResponse,
  ): Promise<'recorded' | 'already-posted'> {
    // With a response timer the alert moves to the timer partition of the index; without, it leaves the index.
    const timer = initial?.timerAt ?? null;
    const update = (condition: string, values: Record<string, unknown>, names: Record<string, string> = {}) =>
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: alertKey(alertId),
        UpdateExpression:
          'SET #status = :posted, channel = :channel, ts = :ts, updatedAt = :now, #ttl = :expiry' +
          (initial
            ? ', #response = if_not_exists(#response, :response), responseVersion = if_not_exists(responseVersion, :version)'
            : '') +
          (timer
            ? ', #ppk = :timerPartition, #psk = :timer REMOVE lastError, leaseId'
            : ' REMOVE #ppk, #psk, lastError, leaseId'),
        ConditionExpression: condition,
        ExpressionAttributeNames: {
          '#status': 'status',
          '#ppk': PENDING_INDEX.partitionKey,
          '#psk': PENDING_INDEX.sortKey,
          '#ttl': TTL,
          ...(initial ? { '#response': 'response' } : {}),
          ...names,
        },
        ExpressionAttributeValues: {
          ':posted': 'posted',
          ':channel': posted.channel,
          ':ts': posted.ts,
          ':now': now.toISOString(),
          ':expiry': this.expiry(now),
          ...(initial ? { ':response': initial.response, ':version': initial.response.version } : {}),
          ...(timer ? { ':timerPartition': TIMER_PARTITION, ':timer': timer.toISOString() } : {}),
          ...values,
        },
      });
    try {
      await this.doc.send(
        update('#status = :posting AND leaseId = :leaseId', { ':posting': 'posting', ':leaseId': leaseId }),
      );
      return 'recorded';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    // The lease was lost (this post outlived it). The card is in Slack: record it unless another post was
    // recorded first, so that nobody posts it yet again.
    try {
      await this.doc.send(update('attribute_exists(#pk) AND #status <> :posted', {}, { '#pk': PK }));
      return 'recorded';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const latest = await this.getAlert(alertId);
      if (latest?.status === 'posted') return 'already-posted';
      throw new Error(`alert ${alertId} cannot be recorded as posted: it is ${latest?.status ?? 'missing'}`);
    }
  }

  async markAlertPending(
    alertId: string,
    leaseId: string,
    update: PendingUpdate,
    now: Date,
  ): Promise<boolean> {
    const retryIso = update.retryAt.toISOString();
    return this.ifLeaseHeld(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: alertKey(alertId),
        UpdateExpression:
          'SET #status = :pending, lastError = :error, lastOutcome = :outcome, updatedAt = :now, dueAt = :retry, ' +
          '#psk = :retry, attempts = attempts - :uncounted' +
          (update.attempted ? ', firstAttemptAt = if_not_exists(firstAttemptAt, :started)' : '') +
          ' REMOVE leaseId',
        ConditionExpression: '#status = :posting AND leaseId = :leaseId',
        ExpressionAttributeNames: { '#status': 'status', '#psk': PENDING_INDEX.sortKey },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':posting': 'posting',
          ':leaseId': leaseId,
          ':error': clipString(update.error, 1000),
          ':outcome': update.outcome,
          ':now': now.toISOString(),
          ':retry': retryIso,
          ':uncounted': update.attempted ? 0 : 1,
          ...(update.attempted ? { ':started': update.attemptStartedAt.toISOString() } : {}),
        },
      }),
    );
  }

  async markAlertFailed(alertId: string, leaseId: string, error: string, now: Date): Promise<boolean> {
    return this.ifLeaseHeld(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: alertKey(alertId),
        UpdateExpression:
          'SET #status = :failed, lastError = :error, updatedAt = :now, #ttl = :expiry REMOVE #ppk, #psk, leaseId',
        ConditionExpression: '#status = :posting AND leaseId = :leaseId',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#ppk': PENDING_INDEX.partitionKey,
          '#psk': PENDING_INDEX.sortKey,
          '#ttl': TTL,
        },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':expiry': this.expiry(now),
          ':posting': 'posting',
          ':leaseId': leaseId,
          ':error': clipString(error, 1000),
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
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async getAlert(alertId: string): Promise<AlertRecord | null> {
    const res = await this.reads.of(
      this.doc.send(
        new GetCommand({ TableName: this.options.tableName, Key: alertKey(alertId), ConsistentRead: true }),
      ),
    );
    return res.Item ? readAlert(strip(res.Item)) : null;
  }

  async listDueAlerts(now: Date, limit: number): Promise<DueAlert[]> {
    const out: DueAlert[] = [];
    for (const severity of SEVERITIES) {
      if (out.length >= limit) break;
      // Only what the sweeper needs: a malformed item fails its own claim, not the whole sweep.
      for (const item of await this.dueIn(pendingPartition(severity), now, limit - out.length)) {
        const due = dueAlertSchema.safeParse(item);
        if (due.success) out.push(due.data);
      }
    }
    return out;
  }

  async writeResponse(
    alertId: string,
    expectedVersion: number,
    response: AlertResponse,
    timerAt: Date | null,
    now: Date,
  ): Promise<boolean> {
    return this.ifLeaseHeld(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: alertKey(alertId),
        UpdateExpression:
          'SET #response = :response, responseVersion = :version, updatedAt = :now' +
          (timerAt ? ', #ppk = :timerPartition, #psk = :timer' : ' REMOVE #ppk, #psk'),
        // Only on a posted alert, and only on the version read: a concurrent change makes this one fail.
        ConditionExpression:
          expectedVersion === 0
            ? '#status = :posted AND attribute_not_exists(responseVersion)'
            : '#status = :posted AND responseVersion = :expected',
        ExpressionAttributeNames: {
          '#response': 'response',
          '#status': 'status',
          '#ppk': PENDING_INDEX.partitionKey,
          '#psk': PENDING_INDEX.sortKey,
        },
        ExpressionAttributeValues: {
          ':response': response,
          ':version': response.version,
          ':now': now.toISOString(),
          ':posted': 'posted',
          ...(expectedVersion === 0 ? {} : { ':expected': expectedVersion }),
          ...(timerAt ? { ':timerPartition': TIMER_PARTITION, ':timer': timerAt.toISOString() } : {}),
        },
      }),
    );
  }

  joinBurst(request: BurstJoinRequest, now: Date): Promise<BurstJoin> {
    return this.bursts.join(request, now);
  }

  claimBurstRedraw(alertId: string, nextAt: Date, now: Date): Promise<boolean> {
    return this.bursts.claimRedraw(alertId, nextAt, now);
  }

  markBurstDrawn(alertId: string, count: number, nextAt: Date | null): Promise<void> {
    return this.bursts.markDrawn(alertId, count, nextAt);
  }

  deferBurstRedraw(alertId: string, until: Date): Promise<void> {
    return this.bursts.defer(alertId, until);
  }

  scheduleResponseTimer(alertId: string, at: Date): Promise<void> {
    return this.bursts.scheduleTimer(alertId, at);
  }

  async listDueResponses(now: Date, limit: number): Promise<string[]> {
    const items = await this.dueIn(TIMER_PARTITION, now, limit);
    return items.flatMap((item) => (typeof item.alertId === 'string' ? [item.alertId] : []));
  }

  /** Items of one partition of the sparse due index whose time has come, oldest first. */
  private async dueIn(partition: string, now: Date, limit: number): Promise<Record<string, unknown>[]> {
    const res = await this.reads.of(
      this.doc.send(
        new QueryCommand({
          TableName: this.options.tableName,
          IndexName: PENDING_INDEX.name,
          KeyConditionExpression: '#p = :p AND #s <= :now',
          ExpressionAttributeNames: { '#p': PENDING_INDEX.partitionKey, '#s': PENDING_INDEX.sortKey },
          ExpressionAttributeValues: { ':p': partition, ':now': now.toISOString() },
          Limit: limit,
        }),
      ),
    );
    return res.Items ?? [];
  }

  async oldestUndeliveredAt(maxItems: number): Promise<string | null> {
    let oldest: string | null = null;
    let read = 0;
    for (const severity of SEVERITIES) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const res = await this.reads.of(
          this.doc.send(
            new QueryCommand({
              TableName: this.options.tableName,
              IndexName: PENDING_INDEX.name,
              KeyConditionExpression: '#p = :p',
              ProjectionExpression: 'createdAt',
              ExpressionAttributeNames: { '#p': PENDING_INDEX.partitionKey },
              ExpressionAttributeValues: { ':p': pendingPartition(severity) },
              Limit: Math.max(1, maxItems - read),
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        for (const item of res.Items ?? []) {
          const createdAt = typeof item.createdAt === 'string' ? item.createdAt : null;
          if (createdAt && (oldest === null || createdAt < oldest)) oldest = createdAt;
        }
        read += res.Items?.length ?? 0;
        startKey = read < maxItems ? res.LastEvaluatedKey : undefined;
      } while (startKey);
      if (read >= maxItems) break;
    }
    return oldest;
  }
}

interface FilterParts {
  readonly conditions: string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

const signInFilter = (filter: SignInQuery['filter']): FilterParts => {
  const parts: FilterParts = { conditions: [], names: {}, values: {} };
  if (filter?.eventName !== undefined) {
    parts.conditions.push('#eventName = :eventName');
    parts.names['#eventName'] = 'eventName';
    parts.values[':eventName'] = filter.eventName;
  }
  if (filter?.outcome !== undefined) {
    parts.conditions.push('#outcome = :outcome');
    parts.names['#outcome'] = 'outcome';
    parts.values[':outcome'] = filter.outcome;
  }
  if (filter?.identityType !== undefined) {
    parts.conditions.push(
      filter.identityType === 'Root' ? '#identityType = :root' : '#identityType <> :root',
    );
    parts.names['#identityType'] = 'identityType';
    parts.values[':root'] = 'Root';
  }
  return parts;
};
