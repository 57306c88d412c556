// The dry run's recent sign-ins: the ones a later record of the replay can still ask about (a hidden brute
// force looks an hour back along its person and its address, an alarm card names the sign-ins of its window),
// held by event time behind the newest sign-in seen, and at most RECENT_CAP of them, oldest dropped first.
import { normalizeIp } from '../core/ip-range';
import { userKey } from '../core/query';
import { addressOf } from '../core/rollup';
import type { ClassifiedSignIn } from '../core/sign-in';
import type { SignInKey, SignInQuery } from '../ports';
import { clipString, keyId, MAX_STORED_STRING } from './store-records';

/** Sign-ins held at most, whatever their times: a 10,000-attempt storm fits, a month of records does not. */
export const RECENT_CAP = 20_000;

/** A sign-in as the store filed it: under its event time (or its arrival), expiring with the retention. */
export interface Filed {
  readonly signIn: ClassifiedSignIn;
  readonly at: string;
  /** The DynamoDB store's sort key: time, then id (the order of a newest-first answer). */
  readonly sortKey: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** A sign-in as the DynamoDB store reads it back: over-long strings clipped, as it stores them. */
export const asStored = (s: ClassifiedSignIn): ClassifiedSignIn => {
  const long = Object.entries(s).filter(([, v]) => typeof v === 'string' && v.length > MAX_STORED_STRING) as [
    string,
    string,
  ][];
  if (long.length === 0) return s;
  return { ...s, ...Object.fromEntries(long.map(([k, v]) => [k, clipString(v, MAX_STORED_STRING)])) };
};

const newestFirst = (a: Filed, b: Filed): number =>
  a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0;

const addTo = (index: Map<string, Set<Filed>>, key: string, f: Filed): void => {
  const set = index.get(key);
  if (set) set.add(f);
  else index.set(key, new Set([f]));
};

const removeFrom = (index: Map<string, Set<Filed>>, key: string, f: Filed): void => {
  const set = index.get(key);
  if (!set) return;
  set.delete(f);
  if (set.size === 0) index.delete(key);
};

const userOf = (s: ClassifiedSignIn): string => userKey(s);
const ipOf = (s: ClassifiedSignIn): string | null => (s.sourceIp === null ? null : addressOf(s.sourceIp));

export class RecentSignIns {
  /** Arrival order: the front is dropped first. */
  private queue: Filed[] = [];
  private head = 0;
  private readonly byId = new Map<string, Filed>();
  private readonly byUser = new Map<string, Set<Filed>>();
  private readonly byIp = new Map<string, Set<Filed>>();

  /** `keepMs`: how far behind `watermark()` (the newest event time seen) a sign-in is still held. */
  constructor(
    private readonly keepMs: number,
    private readonly watermark: () => number,
    private readonly cap = RECENT_CAP,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  add(f: Filed): void {
    const id = keyId(f.signIn.eventId);
    if (this.byId.has(id)) return;
    this.byId.set(id, f);
    this.queue.push(f);
    addTo(this.byUser, userOf(f.signIn), f);
    const ip = ipOf(f.signIn);
    if (ip) addTo(this.byIp, ip, f);
    this.evict();
  }

  get(eventId: string): ClassifiedSignIn | null {
    return this.byId.get(keyId(eventId))?.signIn ?? null;
  }

  /** One person's or one address's sign-ins in [from, to), not expired, newest first (listSignInsOf). */
  of(key: SignInKey, from: Date, to: Date, limit: number, now: Date): ClassifiedSignIn[] {
    const held =
      'user' in key
        ? this.byUser.get(key.user.trim().toLowerCase())
        : this.byIp.get(normalizeIp(key.ip) ?? key.ip.trim());
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    // The DynamoDB store's `BETWEEN from AND to` on `<time>#<id>`: a sign-in at exactly `to` is outside.
    return [...(held ?? [])]
      .filter((f) => f.at >= fromIso && f.at < toIso && f.expiresAt > nowSeconds)
      .sort(newestFirst)
      .slice(0, Math.max(0, limit))
      .map((f) => f.signIn);
  }

  /** Sign-ins in [from, to] matching the filter, not expired, newest first (listSignIns). */
  list(query: SignInQuery, now: Date): ClassifiedSignIn[] {
    const fromIso = query.from.toISOString();
    const toIso = query.to.toISOString();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const filter = query.filter;
    return this.all()
      .filter(
        (f) =>
          f.at >= fromIso &&
          f.at <= toIso &&
          f.expiresAt > nowSeconds &&
          (filter?.eventName === undefined || f.signIn.eventName === filter.eventName) &&
          (filter?.outcome === undefined || f.signIn.outcome === filter.outcome) &&
          (filter?.identityType === undefined ||
            (filter.identityType === 'Root') === (f.signIn.identityType === 'Root')),
      )
      .sort(newestFirst)
      .slice(0, query.limit ?? 1000)
      .map((f) => f.signIn);
  }

  all(): Filed[] {
    return [...this.byId.values()];
  }

  private evict(): void {
    const newest = this.watermark();
    const oldest = Number.isFinite(newest) ? new Date(newest - this.keepMs).toISOString() : '';
    while (this.head < this.queue.length) {
      const f = this.queue[this.head] as Filed;
      if (this.byId.size <= this.cap && f.at >= oldest) break;
      this.head += 1;
      this.drop(f);
    }
    // The queue's dropped front is cut off now and then, not on every drop.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private drop(f: Filed): void {
    this.byId.delete(keyId(f.signIn.eventId));
    removeFrom(this.byUser, userOf(f.signIn), f);
    const ip = ipOf(f.signIn);
    if (ip) removeFrom(this.byIp, ip, f);
  }
}
