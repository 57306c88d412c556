// The store `signins replay --dry-run` runs on: in memory, holding only what the replay's decisions need, so
// that memory stays flat however long the input. Its decisions are the DynamoDB store's (the same baseline and
// storm code; alerts in memory-alerts.ts, recent sign-ins in memory-recent.ts, silences in memory-silences.ts).
import { MAX_BURST_SPAN_MS } from '../core/burst';
import type { GeoData } from '../core/geo';
import type { ActivitySummary } from '../core/query';
import {
  bucketMsFor,
  canonicalTime,
  DAY_MS,
  emptyTally,
  floorTo,
  HOUR_MS,
  summaryOf,
  tallySignIn,
} from '../core/rollup';
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
import { byPerson, type Fresh, learnBaselines } from './baseline-memory';
import { MemoryAlerts } from './memory-alerts';
import { asStored, type Filed, RecentSignIns } from './memory-recent';
import { MemorySilences } from './memory-silences';
import { keyId, type RememberedUser } from './store-records';

/**
 * How far behind the newest sign-in seen a record may come and still be decided as the DynamoDB store would
 * decide it (CloudTrail files replay in time order; a file six hours older than the last is "late"): its
 * storm's card is still open, the earlier failures of its brute force are still held.
 */
export const LATE_MS = 6 * 60 * 60_000;
/** What a late record can reach back to: its storm's whole span, its brute force's lookback. */
const HELD_MS = LATE_MS + MAX_BURST_SPAN_MS;
const LATEST = 10;

export interface MemoryStoreOptions {
  /** Days a sign-in is kept after its event time: an older one is in no answer (as the table's TTL). */
  readonly retentionDays: number;
}

/**
 * A BotStore for one dry run. It answers about the run's decisions, not about history: what grows with the
 * input is one id per sign-in (idempotency) and per forgotten card (about 200 bytes a record); everything else
 * grows with distinct people (baselines), open storms (one per person and address, closed once the replay is
 * LATE_MS past them), and the 500 soonest cards with a response timer (TIMERS_KEPT in memory-alerts.ts).
 * Sign-ins are held for HELD_MS of event time behind the newest (RECENT_CAP at most): `listSignIns`,
 * `listSignInsOf`, `readActivity` and `getSignIn` answer from those and from the held cards' own sign-ins.
 */
export class MemorySignInStore implements BotStore {
  readonly itemsRead = 0;
  private readonly seen = new Set<string>();
  private readonly silenced = new Set<string>();
  private readonly baselines = new Map<string, RememberedUser>();
  private readonly silences = new MemorySilences();
  private newestMs = Number.NEGATIVE_INFINITY;
  private earliest: string | null = null;
  private readonly recent = new RecentSignIns(HELD_MS, () => this.newestMs);
  /** The last batch's new sign-ins, whatever their times: its cards are written just after it. */
  private batch = new Map<string, ClassifiedSignIn>();
  private readonly alerts = new MemoryAlerts(
    (eventId) => this.batch.get(keyId(eventId)) ?? this.recent.get(eventId),
  );

  constructor(private readonly options: MemoryStoreOptions) {}

  /** What is held now, for tests and the report: sign-in ids, recent sign-ins, cards, forgotten cards, people. */
  get sizes() {
    return {
      eventIds: this.seen.size,
      recentSignIns: this.recent.size,
      cards: this.alerts.held,
      forgottenCards: this.alerts.forgottenCount,
      people: this.baselines.size,
    };
  }

  private expiresAt(atMs: number): number {
    return Math.floor(atMs / 1000) + this.options.retentionDays * 86_400;
  }

  async recordSignIns(signIns: readonly ClassifiedSignIn[], now: Date): Promise<RecordedSignIns> {
    // A new batch: the last one's delivery and redraws are done, so its settled cards may go.
    this.alerts.retire(this.newestMs, HELD_MS);
    this.batch = new Map();
    const unique = new Map<string, ClassifiedSignIn>();
    for (const s of signIns) if (!unique.has(s.eventId)) unique.set(s.eventId, s);
    const arrival = now.toISOString();
    const fresh: Fresh[] = [...unique.values()]
      .filter((s) => !this.seen.has(keyId(s.eventId)))
      .map((signIn) => ({ signIn, at: canonicalTime(signIn.time) ?? arrival }))
      // Event-time order: each sign-in's baseline is what the ones before it left.
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.signIn.eventId < b.signIn.eventId ? -1 : 1));
    if (fresh.length === 0) return { added: new Set(), baselines: new Map() };
    const { facts, learned } = learnBaselines(
      byPerson(fresh),
      (person) => this.baselines.get(person) ?? null,
      now,
    );
    for (const [person, user] of learned) this.baselines.set(person, user);
    const oldestKept = now.getTime() - this.options.retentionDays * DAY_MS;
    for (const { signIn, at } of fresh) {
      const id = keyId(signIn.eventId);
      const atMs = Date.parse(at);
      const stored = asStored(signIn);
      this.seen.add(id);
      this.batch.set(id, stored);
      if (atMs > this.newestMs) this.newestMs = atMs;
      if (atMs > oldestKept && (this.earliest === null || at < this.earliest)) this.earliest = at;
      const filed: Filed = { signIn: stored, at, sortKey: `${at}#${id}`, expiresAt: this.expiresAt(atMs) };
      this.recent.add(filed);
    }
    return { added: new Set(fresh.map((f) => f.signIn.eventId)), baselines: facts };
  }

  async saveSignIn(signIn: ClassifiedSignIn, now: Date): Promise<void> {
    await this.recordSignIns([signIn], now);
  }

  async getSignIn(eventId: string): Promise<ClassifiedSignIn | null> {
    return this.alerts.subject(eventId) ?? this.recent.get(eventId);
  }

  async listSignIns(query: SignInQuery, now: Date): Promise<ClassifiedSignIn[]> {
    return this.recent.list(query, now);
  }

  async listSignInsOf(
    key: SignInKey,
    from: Date,
    to: Date,
    limit: number,
    now: Date,
  ): Promise<ClassifiedSignIn[]> {
    return this.recent.of(key, from, to, limit, now);
  }

  /** Activity of the held sign-ins only: the answer says so. */
  async readActivity(from: Date, to: Date, now: Date, geo: GeoData | null = null): Promise<ActivitySummary> {
    const bucketMs = bucketMsFor(from, to);
    const start = floorTo(from.getTime(), HOUR_MS);
    const startIso = new Date(start).toISOString();
    const toIso = to.toISOString();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const held = this.recent
      .all()
      .filter((f) => f.at >= startIso && f.at < toIso && f.expiresAt > nowSeconds)
      .sort((a, b) => (a.sortKey < b.sortKey ? 1 : -1));
    const tally = emptyTally();
    const buckets = new Map<string, number>();
    for (const f of held) {
      tallySignIn(tally, f.signIn, f.at);
      const bucket = new Date(floorTo(Date.parse(f.at), bucketMs)).toISOString();
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    }
    return summaryOf(tally, {
      from: new Date(start),
      to,
      bucketMs,
      buckets,
      latest: held.slice(0, LATEST).map((f) => f.signIn),
      firstSeen: [],
      source: 'rollups',
      partial: 'A dry run holds only its recent sign-ins.',
      geo,
    });
  }

  async coverageStart(now: Date): Promise<Date | null> {
    if (this.earliest === null) return null;
    const oldestKept = now.getTime() - this.options.retentionDays * DAY_MS;
    return new Date(Math.max(Date.parse(this.earliest), oldestKept));
  }

  async countSilenced(silenceId: string, signIns: readonly ClassifiedSignIn[]): Promise<void> {
    let held = 0;
    for (const s of new Map(signIns.map((s) => [keyId(s.eventId), s])).keys()) {
      // Each stored sign-in once: a retried batch does not count it again.
      if (!this.seen.has(s) || this.silenced.has(s)) continue;
      this.silenced.add(s);
      held += 1;
    }
    if (held > 0) this.silences.addHeld(silenceId, held);
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

  async createAlert(alert: NewAlert, now: Date): Promise<boolean> {
    return this.alerts.create(alert, now);
  }

  async claimAlert(alertId: string, now: Date, leaseMs: number): Promise<ClaimResult> {
    return this.alerts.claim(alertId, now, leaseMs);
  }

  async markAlertPosted(
    alertId: string,
    leaseId: string,
    posted: PostedMessage,
    now: Date,
    initial?: InitialResponse,
  ): Promise<'recorded' | 'already-posted'> {
    return this.alerts.markPosted(alertId, leaseId, posted, now, initial);
  }

  async markAlertPending(
    alertId: string,
    leaseId: string,
    update: PendingUpdate,
    now: Date,
  ): Promise<boolean> {
    return this.alerts.markPending(alertId, leaseId, update, now);
  }

  async markAlertFailed(alertId: string, leaseId: string, error: string, now: Date): Promise<boolean> {
    return this.alerts.markFailed(alertId, leaseId, error, now);
  }

  async getAlert(alertId: string): Promise<AlertRecord | null> {
    return this.alerts.get(alertId);
  }

  async listDueAlerts(now: Date, limit: number): Promise<DueAlert[]> {
    return this.alerts.due(now, limit);
  }

  async oldestUndeliveredAt(_maxItems: number): Promise<string | null> {
    return this.alerts.oldestUndeliveredAt();
  }

  async writeResponse(
    alertId: string,
    expectedVersion: number,
    response: AlertResponse,
    timerAt: Date | null,
    now: Date,
  ): Promise<boolean> {
    return this.alerts.writeResponse(alertId, expectedVersion, response, timerAt, now);
  }

  async listDueResponses(now: Date, limit: number): Promise<string[]> {
    return this.alerts.dueResponses(now, limit);
  }

  async joinBurst(request: BurstJoinRequest, now: Date): Promise<BurstJoin> {
    return this.alerts.join(request, now);
  }

  async claimBurstRedraw(alertId: string, nextAt: Date, now: Date): Promise<boolean> {
    return this.alerts.claimRedraw(alertId, nextAt, now);
  }

  async markBurstDrawn(alertId: string, count: number, nextAt: Date | null): Promise<void> {
    this.alerts.markDrawn(alertId, count, nextAt);
  }

  async deferBurstRedraw(alertId: string, until: Date): Promise<void> {
    this.alerts.defer(alertId, until);
  }

  async scheduleResponseTimer(alertId: string, at: Date): Promise<void> {
    this.alerts.scheduleTimer(alertId, at);
  }
}
