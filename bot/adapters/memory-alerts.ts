// The dry run's alerts, in memory, with the delivery, response and storm semantics of the DynamoDB store (each
// change below is the condition and update dynamodb-store.ts / dynamodb-burst.ts write, on one process's
// state). What nothing in a replay can touch again is forgotten: a posted card with no response timer, that no
// open storm points at. Its id is remembered, so that a record delivered twice never makes a second card.
import { randomUUID } from 'node:crypto';
import { SEVERITIES } from '../../shared/severity';
import { joinsBurst } from '../core/burst';
import type { SlackMessage } from '../core/render/blocks';
import type { ClassifiedSignIn, Severity } from '../core/sign-in';
import type {
  AlertKind,
  AlertRecord,
  AlertResponse,
  AttemptOutcome,
  BurstJoin,
  BurstJoinRequest,
  ClaimResult,
  DeliveryStatus,
  DueAlert,
  InitialResponse,
  NewAlert,
  PendingUpdate,
  PostedMessage,
} from '../ports';
import { newValues, openingCounters } from './burst-card';
import { clipString, keyId } from './store-records';

/** Posted cards with a response timer kept (the soonest): ten times what the replay's last sweep serves. */
export const TIMERS_KEPT = 500;

interface Storm {
  readonly key: string;
  count: number;
  failures: number;
  first: string;
  last: string;
  readonly users: Set<string>;
  readonly ips: Set<string>;
  drawn: number;
  redrawAt?: string;
}

/** An alert as held. Message and response are the callers' objects, never changed after they are written. */
interface Card {
  readonly alertId: string;
  readonly kind: AlertKind;
  readonly subjectId: string;
  readonly severity: Severity;
  channel: string;
  status: DeliveryStatus;
  readonly message: SlackMessage;
  attempts: number;
  dueAt: string;
  leaseId?: string;
  firstAttemptAt?: string;
  lastOutcome?: AttemptOutcome;
  ts?: string;
  lastError?: string;
  readonly createdAt: string;
  updatedAt: string;
  response?: AlertResponse;
  responseVersion?: number;
  /** The sweeper's next look at a posted alert (the DynamoDB store's timer partition of the due index). */
  timerAt?: string;
  readonly storm?: Storm;
}

/** The record as the DynamoDB store reads it back: fields it never wrote are absent, not undefined. */
const recordOf = (c: Card): AlertRecord => {
  const r: Record<string, unknown> = {
    alertId: c.alertId,
    kind: c.kind,
    subjectId: c.subjectId,
    severity: c.severity,
    channel: c.channel,
    status: c.status,
    message: c.message,
    attempts: c.attempts,
    dueAt: c.dueAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
  if (c.leaseId !== undefined) r.leaseId = c.leaseId;
  if (c.firstAttemptAt !== undefined) r.firstAttemptAt = c.firstAttemptAt;
  if (c.lastOutcome !== undefined) r.lastOutcome = c.lastOutcome;
  if (c.ts !== undefined) r.ts = c.ts;
  if (c.lastError !== undefined) r.lastError = c.lastError;
  if (c.response !== undefined) r.response = c.response;
  const storm = c.storm;
  if (storm) {
    const burst: Record<string, unknown> = {
      key: storm.key,
      count: storm.count,
      failures: storm.failures,
      first: storm.first,
      last: storm.last,
      users: [...storm.users].sort(),
      ips: [...storm.ips].sort(),
      drawnCount: storm.drawn,
    };
    if (storm.redrawAt !== undefined) burst.redrawAt = storm.redrawAt;
    r.burst = burst;
  }
  return r as unknown as AlertRecord;
};

const newCard = (alert: NewAlert, now: Date, storm?: Storm): Card => {
  const nowIso = now.toISOString();
  return {
    alertId: alert.alertId,
    kind: alert.kind,
    subjectId: alert.subjectId,
    severity: alert.severity,
    channel: alert.channel,
    status: 'pending',
    message: alert.message,
    attempts: 0,
    dueAt: nowIso,
    createdAt: nowIso,
    updatedAt: nowIso,
    ...(storm ? { storm } : {}),
  };
};

export class MemoryAlerts {
  private readonly cards = new Map<string, Card>();
  /** Posted cards nothing in a replay touches again: only their ids (keyId) are kept. */
  private readonly forgotten = new Set<string>();
  /** The open group of each storm key: its card's alert id. */
  private readonly pointers = new Map<string, string>();
  /** The sign-in of each held sign-in card (the responders read it to ask, page and redraw). */
  private readonly subjects = new Map<string, ClassifiedSignIn>();

  constructor(private readonly findSignIn: (eventId: string) => ClassifiedSignIn | null) {}

  get held(): number {
    return this.cards.size;
  }

  get forgottenCount(): number {
    return this.forgotten.size;
  }

  subject(eventId: string): ClassifiedSignIn | null {
    return this.subjects.get(keyId(eventId)) ?? null;
  }

  private known(alertId: string): boolean {
    return this.cards.has(alertId) || this.forgotten.has(keyId(alertId));
  }

  private add(card: Card): void {
    this.cards.set(card.alertId, card);
    if (card.kind !== 'signin') return;
    const signIn = this.findSignIn(card.subjectId);
    if (signIn) this.subjects.set(keyId(card.subjectId), signIn);
  }

  create(alert: NewAlert, now: Date): boolean {
    if (this.known(alert.alertId)) return false;
    this.add(newCard(alert, now));
    return true;
  }

  get(alertId: string): AlertRecord | null {
    const card = this.cards.get(alertId);
    return card ? recordOf(card) : null;
  }

  claim(alertId: string, now: Date, leaseMs: number): ClaimResult {
    const card = this.cards.get(alertId);
    const nowIso = now.toISOString();
    if (!card || (card.status !== 'pending' && card.status !== 'posting') || card.dueAt > nowIso)
      return { status: 'unavailable', alert: card ? recordOf(card) : null };
    // A lease that ran out belonged to a worker that may have posted before it died.
    card.lastOutcome = card.status === 'posting' ? 'unknown' : (card.lastOutcome ?? 'not-sent');
    card.status = 'posting';
    card.dueAt = new Date(now.getTime() + leaseMs).toISOString();
    card.leaseId = randomUUID();
    card.attempts += 1;
    card.updatedAt = nowIso;
    return { status: 'claimed', alert: recordOf(card) };
  }

  markPosted(
    alertId: string,
    _leaseId: string,
    posted: PostedMessage,
    now: Date,
    initial?: InitialResponse,
  ): 'recorded' | 'already-posted' {
    const card = this.cards.get(alertId);
    // A post recorded even when the lease was lost, unless another was recorded first.
    if (!card || card.status === 'posted') {
      if (card?.status === 'posted' || this.forgotten.has(keyId(alertId))) return 'already-posted';
      throw new Error(`alert ${alertId} cannot be recorded as posted: it is missing`);
    }
    card.status = 'posted';
    card.channel = posted.channel;
    card.ts = posted.ts;
    card.updatedAt = now.toISOString();
    if (initial) {
      card.response ??= initial.response;
      card.responseVersion ??= initial.response.version;
    }
    card.timerAt = initial?.timerAt?.toISOString();
    card.lastError = undefined;
    card.leaseId = undefined;
    return 'recorded';
  }

  private leased(alertId: string, leaseId: string): Card | null {
    const card = this.cards.get(alertId);
    return card && card.status === 'posting' && card.leaseId === leaseId ? card : null;
  }

  markPending(alertId: string, leaseId: string, update: PendingUpdate, now: Date): boolean {
    const card = this.leased(alertId, leaseId);
    if (!card) return false;
    card.status = 'pending';
    card.lastError = clipString(update.error, 1000);
    card.lastOutcome = update.outcome;
    card.updatedAt = now.toISOString();
    card.dueAt = update.retryAt.toISOString();
    if (!update.attempted) card.attempts -= 1;
    else card.firstAttemptAt ??= update.attemptStartedAt.toISOString();
    card.leaseId = undefined;
    return true;
  }

  markFailed(alertId: string, leaseId: string, error: string, now: Date): boolean {
    const card = this.leased(alertId, leaseId);
    if (!card) return false;
    card.status = 'failed';
    card.lastError = clipString(error, 1000);
    card.updatedAt = now.toISOString();
    card.leaseId = undefined;
    return true;
  }

  /** Undelivered alerts due now: most severe first, then oldest. */
  due(now: Date, limit: number): DueAlert[] {
    const nowIso = now.toISOString();
    return [...this.cards.values()]
      .filter((c) => (c.status === 'pending' || c.status === 'posting') && c.dueAt <= nowIso)
      .sort(
        (a, b) =>
          SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
          (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0),
      )
      .slice(0, limit)
      .map((c) => ({ alertId: c.alertId, severity: c.severity, dueAt: c.dueAt }));
  }

  oldestUndeliveredAt(): string | null {
    let oldest: string | null = null;
    for (const c of this.cards.values())
      if ((c.status === 'pending' || c.status === 'posting') && (oldest === null || c.createdAt < oldest))
        oldest = c.createdAt;
    return oldest;
  }

  writeResponse(
    alertId: string,
    expectedVersion: number,
    response: AlertResponse,
    timerAt: Date | null,
    now: Date,
  ): boolean {
    const card = this.cards.get(alertId);
    if (card?.status !== 'posted') return false;
    if (expectedVersion === 0 ? card.responseVersion !== undefined : card.responseVersion !== expectedVersion)
      return false;
    card.response = response;
    card.responseVersion = response.version;
    card.updatedAt = now.toISOString();
    card.timerAt = timerAt?.toISOString();
    return true;
  }

  /** Posted alerts whose response timer is due, soonest first. */
  dueResponses(now: Date, limit: number): string[] {
    const nowIso = now.toISOString();
    return [...this.cards.values()]
      .filter((c) => c.status === 'posted' && c.timerAt !== undefined && c.timerAt <= nowIso)
      .sort((a, b) => ((a.timerAt as string) < (b.timerAt as string) ? -1 : 1))
      .slice(0, limit)
      .map((c) => c.alertId);
  }

  scheduleTimer(alertId: string, at: Date): void {
    const card = this.cards.get(alertId);
    const atIso = at.toISOString();
    if (card?.status === 'posted' && (card.timerAt === undefined || card.timerAt > atIso))
      card.timerAt = atIso;
  }

  // ——— storms ———

  join(req: BurstJoinRequest, now: Date): BurstJoin {
    const mine = req.alert.alertId;
    const pointed = this.pointers.get(req.key);
    if (pointed !== undefined && this.countOn(pointed, req)) return { kind: 'joined', alertId: pointed };
    if (!this.known(mine)) {
      const opening = openingCounters(req.counters, req.leadUp);
      this.add(newCard(req.alert, now, { key: req.key, ...opening, drawn: 0 }));
    }
    this.pointers.set(req.key, mine);
    return { kind: 'opened', alertId: mine };
  }

  /** Adds the run to the group's card; false when the card is not that group's or the run is outside its window. */
  private countOn(alertId: string, req: BurstJoinRequest): boolean {
    const storm = this.cards.get(alertId)?.storm;
    const run = req.counters;
    if (!storm || storm.key !== req.key || !joinsBurst(storm, run, req.windowMs)) return false;
    storm.count += run.count;
    storm.failures += run.failures;
    for (const v of newValues(storm.users, run.users)) storm.users.add(v);
    for (const v of newValues(storm.ips, run.ips)) storm.ips.add(v);
    if (run.last > storm.last) storm.last = run.last;
    if (run.first < storm.first) storm.first = run.first;
    return true;
  }

  claimRedraw(alertId: string, nextAt: Date, now: Date): boolean {
    const card = this.cards.get(alertId);
    const storm = card?.storm;
    if (card?.status !== 'posted' || !storm) return false;
    if (storm.redrawAt !== undefined && storm.redrawAt > now.toISOString()) return false;
    storm.redrawAt = nextAt.toISOString();
    return true;
  }

  markDrawn(alertId: string, count: number, nextAt: Date | null): void {
    const storm = this.cards.get(alertId)?.storm;
    if (!storm || storm.drawn >= count) return;
    storm.drawn = count;
    if (nextAt) storm.redrawAt = nextAt.toISOString();
  }

  defer(alertId: string, until: Date): void {
    const storm = this.cards.get(alertId)?.storm;
    const untilIso = until.toISOString();
    if (storm && (storm.redrawAt === undefined || storm.redrawAt < untilIso)) storm.redrawAt = untilIso;
  }

  // ——— forgetting ———

  /**
   * Forgets the posted cards nothing in a replay can touch again. A card no open storm points at goes when it
   * has no response timer; of those with one, only the TIMERS_KEPT soonest stay, since the replay's one sweep
   * serves the 50 soonest (an unacknowledged critical card's reminder is minutes away; the replay ends sooner).
   * A storm is open while a sign-in `lateMs` older than the newest one seen could still join it. Run between
   * batches (never inside one: its delivery and redraws read the cards it posted).
   */
  retire(newestMs: number, lateMs: number): void {
    if (!Number.isFinite(newestMs)) return;
    const closedBefore = new Date(newestMs - lateMs).toISOString();
    for (const [key, alertId] of this.pointers) {
      const storm = this.cards.get(alertId)?.storm;
      if (!storm || storm.last < closedBefore) this.pointers.delete(key);
    }
    const timed: Card[] = [];
    for (const card of this.cards.values()) {
      if (card.status !== 'posted') continue;
      if (card.storm && this.pointers.get(card.storm.key) === card.alertId) continue;
      if (card.timerAt === undefined) this.forget(card);
      else timed.push(card);
    }
    if (timed.length <= TIMERS_KEPT) return;
    timed.sort((a, b) => ((a.timerAt as string) < (b.timerAt as string) ? -1 : 1));
    for (const card of timed.slice(TIMERS_KEPT)) this.forget(card);
  }

  private forget(card: Card): void {
    this.cards.delete(card.alertId);
    this.subjects.delete(keyId(card.subjectId));
    this.forgotten.add(keyId(card.alertId));
  }
}
