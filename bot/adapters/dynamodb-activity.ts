// ActivityStore on the single table: raw sign-ins (by time, by user, by IP, expiring by event time), hourly
// and daily rollups kept with atomic ADDs, per-person baselines, first-seen flags, and where history begins.
//
// Counted once: a batch's sign-ins new to the store are found with BatchGetItem and written with
// BatchWriteItem (dynalite has no TransactWriteItems, and one conditional put per sign-in is several times
// slower), then counted. What this leaves: two workers storing the same new event at the same instant can
// both count it; and a worker that dies between storing a batch and counting it leaves those sign-ins stored
// but uncounted (a retry finds them stored). Records first, counts second: after a crash an answer may miss
// a few sign-ins, but it never counts one twice.
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BY_IP_INDEX, BY_TIME_INDEX, BY_USER_INDEX, TABLE_KEYS } from '../../shared/table-schema';
import { firstSeenOf } from '../core/baseline';
import { BASELINE_DAYS, type BaselineFacts } from '../core/baseline-types';
import type { GeoData } from '../core/geo';
import { normalizeIp } from '../core/ip-range';
import { type ActivitySummary, type FirstSeenFlag, userKey } from '../core/query';
import {
  addPair,
  addressOf,
  addUser,
  bucketMsFor,
  canonicalTime,
  DAY_MS,
  emptyTally,
  floorTo,
  HOUR_MS,
  MAX_ROLLUP_NAME,
  mergeTally,
  summaryOf,
  type Tally,
  tallySignIn,
} from '../core/rollup';
import type { ClassifiedSignIn, IdentityType } from '../core/sign-in';
import type { RecordedSignIns, SignInKey } from '../ports';
import { byPerson, type Fresh, learnBaselines } from './baseline-memory';
import {
  batchGet,
  batchPut,
  type Item,
  type ItemsRead,
  inParallel,
  isConditionFailure,
  type Key,
  UpdateBuilder,
} from './dynamodb-table';
import {
  baselineItem,
  byTimePartition,
  clipSignIn,
  identityAttr,
  keyId,
  pairAttr,
  ROLLUP,
  type RollupPart,
  readBaseline,
  readFirstSeen,
  readRollup,
  readSignIn,
  shortId,
  signInKey,
  sourceAttr,
  strip,
  userAttr,
  userMark,
} from './store-records';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_KEYS;

/** Rollup items per period: enough that a busy hour's or day's detail stays far below 400 KB an item. */
const SHARDS = { hour: 4, day: 8 } as const;
/** People, and sources plus person-and-source pairs, one rollup item keeps (about 150 KB each at most). */
const USER_CAP = 250;
const DETAIL_CAP = 3_000;
/** Newest-sign-in candidates a rollup keeps per person before the older ones are deleted. */
const MARKS_KEPT = 4;
const LATEST = 10;
const FIRST_SEEN = 20;
/** DynamoDB calls in flight at once for one batch or one answer. */
const PARALLEL = 8;

const COVERAGE_KEY = { [PK]: 'META', [SK]: 'COVERAGE' };
const epochSeconds = (ms: number): number => Math.floor(ms / 1000);

type Kind = keyof typeof SHARDS;
const PERIOD_MS: Record<Kind, number> = { hour: HOUR_MS, day: DAY_MS };
const periodPartition = (kind: Kind, startMs: number): string =>
  kind === 'hour'
    ? `ROLLUP#H#${new Date(startMs).toISOString().slice(0, 13)}`
    : `ROLLUP#D#${new Date(startMs).toISOString().slice(0, 10)}`;
const shardKey = (partition: string, shard: number) => ({ [PK]: partition, [SK]: `S#${shard}` });
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** 64 symbols over 4 or 8 shards: each shard gets an equal share of ids. */
const shardOf = (id: string, shards: number): number => Math.max(0, B64.indexOf(id.charAt(0))) % shards;

const baselineKey = (person: string) => ({ [PK]: `BASELINE#${keyId(person)}`, [SK]: 'BASELINE' });
const firstSeenPartition = (time: string): string => `FIRST#${time.slice(0, 10)}`;

export interface ActivityOptions {
  readonly tableName: string;
  /** Days a sign-in (and its counts) is kept after its event time. */
  readonly retentionDays: number;
}

interface Period {
  readonly kind: Kind;
  readonly startMs: number;
}

export class DynamoActivity {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly reads: ItemsRead,
    private readonly options: ActivityOptions,
  ) {}

  private get table(): string {
    return this.options.tableName;
  }

  /** Epoch seconds at which something filed at `atMs` expires. */
  private expiry(atMs: number): number {
    return epochSeconds(atMs) + this.options.retentionDays * 86_400;
  }

  async recordSignIns(signIns: readonly ClassifiedSignIn[], now: Date): Promise<RecordedSignIns> {
    const unique = new Map<string, ClassifiedSignIn>();
    for (const s of signIns) if (!unique.has(s.eventId)) unique.set(s.eventId, s);
    const stored = new Set(
      (await batchGet(this.doc, this.reads, this.table, [...unique.keys()].map(signInKey), [PK])).map((i) =>
        String(i[PK]),
      ),
    );
    const arrival = now.toISOString();
    const fresh: Fresh[] = [...unique.values()]
      .filter((s) => !stored.has(signInKey(s.eventId)[PK]))
      .map((signIn) => ({ signIn, at: canonicalTime(signIn.time) ?? arrival }))
      // Event-time order: each sign-in's baseline is what the ones before it left.
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.signIn.eventId < b.signIn.eventId ? -1 : 1));
    if (fresh.length === 0) return { added: new Set(), baselines: new Map() };
    const learned = await this.learnBaselines(fresh, now);
    await batchPut(this.doc, this.table, [
      ...fresh.map((f) => this.signInItem(f, now)),
      ...fresh.flatMap((f) => this.firstSeenItems(f, learned.facts.get(f.signIn.eventId))),
      ...learned.items,
    ]);
    await Promise.all([this.writeRollups(fresh), this.widenCoverage(fresh, now)]);
    return { added: new Set(fresh.map((f) => f.signIn.eventId)), baselines: learned.facts };
  }

  private signInItem({ signIn, at }: Fresh, now: Date): Item {
    const sortKey = `${at}#${keyId(signIn.eventId)}`;
    const ip = signIn.sourceIp === null ? null : addressOf(signIn.sourceIp);
    return {
      ...signInKey(signIn.eventId),
      ...clipSignIn(signIn),
      [BY_TIME_INDEX.partitionKey]: byTimePartition(at),
      [BY_TIME_INDEX.sortKey]: sortKey,
      // byUser and byIp sort by the byTime sort key.
      [BY_USER_INDEX.partitionKey]: `U#${keyId(userKey(signIn))}`,
      ...(ip ? { [BY_IP_INDEX.partitionKey]: `IP#${ip}` } : {}),
      receivedAt: now.toISOString(),
      [TTL]: this.expiry(Date.parse(at)),
    };
  }

  /** Flags for what a successful sign-in brought new (failures are not learned: a guesser would flood them). */
  private firstSeenItems({ signIn, at }: Fresh, facts: BaselineFacts | undefined): Item[] {
    if (signIn.outcome !== 'success') return [];
    return firstSeenOf(facts).flatMap((what) => {
      const seen = facts?.seen[what];
      if (!seen) return [];
      const flag: FirstSeenFlag = {
        eventId: signIn.eventId,
        time: at,
        principal: signIn.principal.slice(0, MAX_ROLLUP_NAME),
        what,
        value: seen.value.slice(0, MAX_ROLLUP_NAME),
      };
      return [
        {
          [PK]: firstSeenPartition(at),
          [SK]: `${at}#${keyId(signIn.eventId)}#${what}`,
          ...flag,
          [TTL]: this.expiry(Date.parse(at)),
        },
      ];
    });
  }

  // ---- rollups -------------------------------------------------------------------------------------------

  /** One update per rollup item touched (more when its changes outgrow one expression), never per sign-in. */
  private async writeRollups(fresh: readonly Fresh[]): Promise<void> {
    const periods = new Map<string, { period: Period; tally: Tally }>();
    for (const { signIn, at } of fresh) {
      const ms = Date.parse(at);
      for (const kind of ['hour', 'day'] as const) {
        const startMs = floorTo(ms, PERIOD_MS[kind]);
        const partition = periodPartition(kind, startMs);
        const entry = periods.get(partition) ?? { period: { kind, startMs }, tally: emptyTally() };
        tallySignIn(entry.tally, signIn, at);
        periods.set(partition, entry);
      }
    }
    const chunks = [...periods].flatMap(([partition, { period, tally }]) =>
      shardChunks(tally, SHARDS[period.kind]).map((chunk) => ({
        key: shardKey(partition, chunk.shard),
        chunk,
        expiresAt: this.expiry(period.startMs + PERIOD_MS[period.kind]),
      })),
    );
    await inParallel(chunks, PARALLEL, (c) => this.writeChunk(c.key, c.chunk, c.expiresAt));
  }

  /**
   * Applies one chunk. A rollup item that holds its cap of people or sources refuses new detail (the
   * condition fails): the chunk is applied again without it, and the sign-ins it stood for are counted as
   * dropped, so that the answer says so. A brute force from thousands of addresses cannot break the write.
   */
  private async writeChunk(key: Key, chunk: Chunk, expiresAt: number): Promise<void> {
    const tries: [boolean, boolean][] = [
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ];
    const wanted = tries.filter(
      ([users, sources]) => (chunk.users.length > 0 || !users) && (chunk.sources.length > 0 || !sources),
    );
    for (const [withUsers, withSources] of wanted) {
      const update = chunkUpdate(chunk, withUsers, withSources).set(TTL, expiresAt);
      try {
        const res = await this.doc.send(
          new UpdateCommand({
            ...update.build(this.table, key),
            ...(withUsers ? { ReturnValues: 'UPDATED_NEW' as const } : {}),
          }),
        );
        if (withUsers) await this.pruneMarks(key, res.Attributes ?? {});
        return;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
  }

  /** Keeps the newest of each person's newest-sign-in candidates (deleting older ones is always safe). */
  private async pruneMarks(key: Key, updated: Record<string, unknown>): Promise<void> {
    const update = new UpdateBuilder();
    for (const [name, v] of Object.entries(updated)) {
      if (!(v instanceof Set) || !/^u.{8}l$/s.test(name) || v.size <= MARKS_KEPT) continue;
      const newest = [...(v as Set<string>)].sort().at(-1);
      update.delete(name, new Set([...(v as Set<string>)].filter((m) => m !== newest)));
    }
    if (!update.isEmpty) await this.doc.send(new UpdateCommand(update.build(this.table, key)));
  }

  async readActivity(from: Date, to: Date, now: Date, geo: GeoData | null = null): Promise<ActivitySummary> {
    const bucketMs = bucketMsFor(from, to);
    const start = floorTo(from.getTime(), HOUR_MS);
    const periods = periodsToRead(start, to.getTime(), now.getTime(), bucketMs === DAY_MS);
    const end = to >= now ? to.getTime() : Math.max(to.getTime(), ...periods.map(periodEnd));
    const [parts, latest, firstSeen] = await Promise.all([
      inParallel(periods, PARALLEL * 2, (p) => this.readPeriod(p, now)),
      this.latest(start, end, now),
      this.firstSeen(start, end, now),
    ]);
    const tally = emptyTally();
    const buckets = new Map<string, number>();
    const names = principalsById(parts.flat());
    parts.forEach((items, i) => {
      const period = periods[i] as Period;
      const bucket = new Date(floorTo(period.startMs, bucketMs)).toISOString();
      for (const part of items) {
        mergeTally(tally, resolveRollup(part, names));
        buckets.set(bucket, (buckets.get(bucket) ?? 0) + part.tally.total);
      }
    });
    return summaryOf(tally, {
      from: new Date(start),
      to: new Date(end),
      bucketMs,
      buckets,
      latest,
      firstSeen,
      source: 'rollups',
      geo,
    });
  }

  private async readPeriod(period: Period, now: Date): Promise<RollupPart[]> {
    const items = await this.queryAll(
      {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': periodPartition(period.kind, period.startMs) },
      },
      now,
    );
    return items.map(readRollup);
  }

  /** Every item of a query whose expiry is after `now` (TTL deletion is lazy, and dynalite has none). */
  private async queryAll(
    input: {
      IndexName?: string;
      KeyConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
      ScanIndexForward?: boolean;
    },
    now: Date,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<Item[]> {
    const out: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.reads.of(
        this.doc.send(
          new QueryCommand({
            TableName: this.table,
            ...input,
            FilterExpression: '#ttl > :now',
            ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#ttl': TTL },
            ExpressionAttributeValues: {
              ...input.ExpressionAttributeValues,
              ':now': epochSeconds(now.getTime()),
            },
            ...(Number.isFinite(limit) ? { Limit: Math.max(1, limit - out.length) } : {}),
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      out.push(...(res.Items ?? []));
      startKey = out.length < limit ? res.LastEvaluatedKey : undefined;
    } while (startKey);
    return out;
  }

  /** Items of day partitions in [startMs, endMs), newest first, until `limit`: the few newest sign-ins or flags. */
  private async newestByDay(
    partitionOf: (dayIso: string) => string,
    keys: { readonly name?: string; readonly partitionKey: string; readonly sortKey: string },
    startMs: number,
    endMs: number,
    limit: number,
    now: Date,
  ): Promise<Item[]> {
    const out: Item[] = [];
    for (
      let day = floorTo(endMs - 1, DAY_MS);
      day >= floorTo(startMs, DAY_MS) && out.length < limit;
      day -= DAY_MS
    ) {
      out.push(
        ...(await this.queryAll(
          {
            ...(keys.name ? { IndexName: keys.name } : {}),
            KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#p': keys.partitionKey, '#s': keys.sortKey },
            ExpressionAttributeValues: {
              ':p': partitionOf(new Date(day).toISOString()),
              ':from': new Date(startMs).toISOString(),
              // Sort keys are `<time>#…`: the bare end time sorts before every key at that time.
              ':to': new Date(endMs).toISOString(),
            },
            ScanIndexForward: false,
          },
          now,
          limit - out.length,
        )),
      );
    }
    return out;
  }

  private async latest(startMs: number, endMs: number, now: Date): Promise<ClassifiedSignIn[]> {
    const items = await this.newestByDay(byTimePartition, BY_TIME_INDEX, startMs, endMs, LATEST, now);
    return items.map((item) => readSignIn(strip(item)));
  }

  private async firstSeen(startMs: number, endMs: number, now: Date): Promise<FirstSeenFlag[]> {
    const table = { partitionKey: PK, sortKey: SK };
    const items = await this.newestByDay(firstSeenPartition, table, startMs, endMs, FIRST_SEEN, now);
    return items.map((item) => readFirstSeen(strip(item)));
  }

  async listSignInsOf(
    key: SignInKey,
    from: Date,
    to: Date,
    limit: number,
    now: Date,
  ): Promise<ClassifiedSignIn[]> {
    const [index, partition] =
      'user' in key
        ? [BY_USER_INDEX, `U#${keyId(key.user.trim().toLowerCase())}`]
        : [BY_IP_INDEX, `IP#${normalizeIp(key.ip) ?? key.ip.trim()}`];
    if (limit <= 0) return [];
    // The index holds keys only: find the newest keys in the window, then read those records.
    const keys: Key[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const res = await this.reads.of(
        this.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: index.name,
            KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#p': index.partitionKey, '#s': index.sortKey },
            ExpressionAttributeValues: {
              ':p': partition,
              ':from': from.toISOString(),
              ':to': to.toISOString(),
            },
            ScanIndexForward: false,
            Limit: limit - keys.length,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of res.Items ?? []) keys.push({ [PK]: String(item[PK]), [SK]: String(item[SK]) });
      startKey = keys.length < limit ? res.LastEvaluatedKey : undefined;
    } while (startKey);
    const items = await batchGet(this.doc, this.reads, this.table, keys);
    const nowSeconds = epochSeconds(now.getTime());
    const byKey = new Map(items.map((item) => [String(item[PK]), item]));
    return keys.flatMap((k) => {
      const item = byKey.get(k[PK] ?? '');
      // TTL deletion is lazy (and dynalite has none): an expired record is not returned.
      return item && Number(item[TTL]) > nowSeconds ? [readSignIn(strip(item))] : [];
    });
  }

  // ---- coverage ------------------------------------------------------------------------------------------

  /** Moves the recorded start of history back to the earliest sign-in of the batch still within retention. */
  private async widenCoverage(fresh: readonly Fresh[], now: Date): Promise<void> {
    const oldestKept = now.getTime() - this.options.retentionDays * DAY_MS;
    const earliest = fresh.map((f) => f.at).find((at) => Date.parse(at) > oldestKept);
    if (!earliest) return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: COVERAGE_KEY,
          UpdateExpression: 'SET earliest = :t',
          ConditionExpression: 'attribute_not_exists(earliest) OR earliest > :t',
          ExpressionAttributeValues: { ':t': earliest },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async coverageStart(now: Date): Promise<Date | null> {
    const res = await this.reads.of(
      this.doc.send(new GetCommand({ TableName: this.table, Key: COVERAGE_KEY })),
    );
    const earliest = res.Item?.earliest;
    if (typeof earliest !== 'string' || Number.isNaN(Date.parse(earliest))) return null;
    const oldestKept = now.getTime() - this.options.retentionDays * DAY_MS;
    return new Date(Math.max(Date.parse(earliest), oldestKept));
  }

  // ---- silenced ------------------------------------------------------------------------------------------

  /**
   * Marks the stored sign-ins a silence held back (each once: a retried batch does not count them again) and
   * counts them in the rollups of their hour and day. Returns how many were newly marked.
   */
  async countSilenced(silenceId: string, signIns: readonly ClassifiedSignIn[]): Promise<number> {
    const unique = [...new Map(signIns.map((s) => [s.eventId, s])).values()];
    const marked = await inParallel(unique, PARALLEL, async (s) => {
      try {
        const res = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: signInKey(s.eventId),
            UpdateExpression: 'SET silencedBy = :id',
            ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(silencedBy)',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':id': silenceId },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const sortKey = res.Attributes?.[BY_TIME_INDEX.sortKey];
        return typeof sortKey === 'string' ? sortKey.slice(0, sortKey.indexOf('#')) : null;
      } catch (err) {
        // Not stored (nothing to count it against), or counted already.
        if (isConditionFailure(err)) return null;
        throw err;
      }
    });
    const perPeriod = new Map<string, { period: Period; n: number }>();
    for (const at of marked) {
      if (at === null || Number.isNaN(Date.parse(at))) continue;
      for (const kind of ['hour', 'day'] as const) {
        const startMs = floorTo(Date.parse(at), PERIOD_MS[kind]);
        const partition = periodPartition(kind, startMs);
        const entry = perPeriod.get(partition) ?? { period: { kind, startMs }, n: 0 };
        entry.n += 1;
        perPeriod.set(partition, entry);
      }
    }
    await inParallel([...perPeriod], PARALLEL, ([partition, { period, n }]) => {
      const update = new UpdateBuilder()
        .add(ROLLUP.silenced, n)
        .setIfMissing(TTL, this.expiry(period.startMs + PERIOD_MS[period.kind]));
      return this.doc.send(new UpdateCommand(update.build(this.table, shardKey(partition, 0))));
    });
    return marked.filter((at) => at !== null).length;
  }

  // ---- baselines -----------------------------------------------------------------------------------------

  /**
   * What each person's baseline knew before each of their new sign-ins, and the baselines that remember the
   * batch. Only successful sign-ins are learned: a password guesser's address must not become familiar by
   * failing often. A baseline is read and written whole (one BatchGet and one BatchWrite for the batch's
   * people, not an update each): two workers learning the same person at the same instant can lose one's
   * part, and a thing may then be "new" once more.
   */
  private async learnBaselines(
    fresh: readonly Fresh[],
    now: Date,
  ): Promise<{ facts: Map<string, BaselineFacts>; items: Item[] }> {
    const people = byPerson(fresh);
    const stored = await batchGet(this.doc, this.reads, this.table, [...people.keys()].map(baselineKey));
    const remembered = new Map(stored.map((item) => [String(item[PK]), readBaseline(strip(item))]));
    const { facts, learned } = learnBaselines(
      people,
      (person) => remembered.get(baselineKey(person)[PK]) ?? null,
      now,
    );
    const items: Item[] = [...learned].map(([person, user]) => ({
      ...baselineKey(person),
      ...baselineItem(user),
      [TTL]: epochSeconds(Date.parse(user.last ?? now.toISOString()) + BASELINE_DAYS * DAY_MS),
    }));
    return { facts, items };
  }
}

// ---- rollup chunks ---------------------------------------------------------------------------------------

interface UserEntry {
  readonly id: string;
  readonly principal: string;
  readonly signIns: number;
  readonly failures: number;
  readonly noMfa: number;
  readonly last: string | null;
}

interface SourceEntry {
  readonly source: string;
  readonly signIns: number;
  readonly failures: number;
  readonly pairs: readonly { readonly userId: string; readonly n: number }[];
}

/** What counts toward an item's cap of sources and pairs: six characters each, not the names themselves. */
const detailId = (name: string): string => shortId(name).slice(0, 6);

/** Part of one rollup item's change that fits one update expression. */
interface Chunk {
  readonly shard: number;
  readonly totals: Tally | null;
  readonly users: UserEntry[];
  readonly sources: SourceEntry[];
}

/** Clauses of an entry, to pack chunks: a clause takes 9 to 10 characters of a 4 KB expression. */
const userClauses = (u: UserEntry): number => 2 + (u.failures > 0 ? 1 : 0) + (u.noMfa > 0 ? 1 : 0);
const sourceClauses = (s: SourceEntry): number => 1 + (s.failures > 0 ? 1 : 0) + s.pairs.length;
const TOTALS_CLAUSES = 16;
const MAX_CLAUSES = 360;

/**
 * A period's change split by rollup item (person ids and sources pick the shard; the totals go to shard 0)
 * and packed into chunks that each fit one update expression.
 */
const shardChunks = (tally: Tally, shards: number): Chunk[] => {
  const pairsOf = new Map<string, { userId: string; n: number }[]>();
  for (const [principal, sources] of tally.pairs) {
    const userId = shortId(principal);
    for (const [source, n] of sources) {
      const list = pairsOf.get(source) ?? [];
      list.push({ userId, n });
      pairsOf.set(source, list);
    }
  }
  const perShard = Array.from({ length: shards }, () => ({
    users: [] as UserEntry[],
    sources: [] as SourceEntry[],
  }));
  for (const [principal, u] of tally.users) {
    const id = shortId(principal);
    perShard[shardOf(id, shards)]?.users.push({ id, principal, ...u });
  }
  for (const [source, s] of tally.sources)
    perShard[shardOf(shortId(source), shards)]?.sources.push({
      source,
      ...s,
      pairs: pairsOf.get(source) ?? [],
    });
  const chunks: Chunk[] = [];
  perShard.forEach((entries, shard) => {
    let chunk: Chunk = { shard, totals: shard === 0 ? tally : null, users: [], sources: [] };
    let clauses = chunk.totals ? TOTALS_CLAUSES : 0;
    const flush = () => {
      if (chunk.totals || chunk.users.length > 0 || chunk.sources.length > 0) chunks.push(chunk);
      chunk = { shard, totals: null, users: [], sources: [] };
      clauses = 0;
    };
    const room = (n: number) => {
      if (clauses + n > MAX_CLAUSES) flush();
      clauses += n;
    };
    for (const u of entries.users) {
      room(userClauses(u));
      chunk.users.push(u);
    }
    // People and sources in separate updates: only the people's returns what it changed (to prune marks).
    if (chunk.users.length > 0) flush();
    for (const s of entries.sources) {
      room(sourceClauses(s));
      chunk.sources.push(s);
    }
    flush();
  });
  return chunks;
};

const chunkUpdate = (chunk: Chunk, withUsers: boolean, withSources: boolean): UpdateBuilder => {
  const u = new UpdateBuilder();
  const addCount = (attribute: string, n: number) => {
    if (n > 0) u.add(attribute, n);
  };
  const t = chunk.totals;
  if (t) {
    addCount(ROLLUP.total, t.total);
    addCount(ROLLUP.success, t.success);
    addCount(ROLLUP.failure, t.failure);
    addCount(ROLLUP.other, t.other);
    addCount(ROLLUP.noMfa, t.noMfa);
    for (const [type, n] of Object.entries(t.byIdentityType) as [IdentityType, number][])
      addCount(identityAttr(type), n);
  }
  if (withUsers && chunk.users.length > 0) {
    for (const e of chunk.users) {
      u.add(userAttr(e.id, 'n'), e.signIns);
      addCount(userAttr(e.id, 'f'), e.failures);
      addCount(userAttr(e.id, 'm'), e.noMfa);
      if (e.last !== null) u.add(userAttr(e.id, 'l'), new Set([userMark(e.last, e.principal)]));
    }
    u.add(ROLLUP.userIds, new Set(chunk.users.map((e) => e.id)));
    u.condition('attribute_not_exists({zu}) OR size({zu}) < {v0}', [ROLLUP.userIds], [USER_CAP]);
  } else
    addCount(
      ROLLUP.droppedUsers,
      chunk.users.reduce((n, e) => n + e.signIns, 0),
    );
  if (withSources && chunk.sources.length > 0) {
    const ids = new Set<string>();
    for (const s of chunk.sources) {
      u.add(sourceAttr(s.source, 'n'), s.signIns);
      addCount(sourceAttr(s.source, 'f'), s.failures);
      ids.add(detailId(s.source));
      for (const p of s.pairs) {
        u.add(pairAttr(p.userId, s.source), p.n);
        ids.add(detailId(`${p.userId}${s.source}`));
      }
    }
    u.add(ROLLUP.detailIds, ids);
    u.condition('attribute_not_exists({zd}) OR size({zd}) < {v0}', [ROLLUP.detailIds], [DETAIL_CAP]);
  } else
    addCount(
      ROLLUP.droppedSources,
      chunk.sources.reduce((n, s) => n + s.signIns, 0),
    );
  return u;
};

// ---- reading rollups -------------------------------------------------------------------------------------

const periodEnd = (p: Period): number => p.startMs + PERIOD_MS[p.kind];

/**
 * The rollup items that answer [startMs, endMs) (startMs on an hour): hours, and whole days from daily
 * items when the answer is by day. The day a window ends in is read whole when the window ends now
 * (nothing is later), else by hours.
 */
const periodsToRead = (startMs: number, endMs: number, nowMs: number, daily: boolean): Period[] => {
  const out: Period[] = [];
  for (let t = startMs; t < endMs; ) {
    const wholeDay = daily && t % DAY_MS === 0 && (t + DAY_MS <= endMs || endMs >= nowMs);
    out.push({ kind: wholeDay ? 'day' : 'hour', startMs: t });
    t += wholeDay ? DAY_MS : HOUR_MS;
  }
  return out;
};

/** Who each person id is, from their marks in every part read (a pair may sit in another item). */
const principalsById = (parts: readonly RollupPart[]): Map<string, string> => {
  const names = new Map<string, string>();
  for (const part of parts)
    for (const [id, u] of part.users) if (u.principal !== undefined) names.set(id, u.principal);
  return names;
};

const resolveRollup = (part: RollupPart, names: ReadonlyMap<string, string>): Tally => {
  const tally = part.tally;
  for (const [id, u] of part.users) {
    const principal = names.get(id);
    if (principal !== undefined) addUser(tally, principal, u.tally);
  }
  for (const [userId, sources] of part.pairs) {
    const principal = names.get(userId);
    if (principal === undefined) continue;
    for (const [source, n] of sources) addPair(tally, principal, source, n);
  }
  return tally;
};
