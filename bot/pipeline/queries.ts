// `/signins last 24h` and `signins query`: which source answers (rollups, the raw records of a user or an IP,
// or CloudTrail event history for a window older than the store), and the answer itself. The Slack listener,
// the worker (history) and the CLI all ask here, so that they give the same answers.
import { matchesFilters, summarizeSignIns } from '../core/activity-summary';
import { classifySignIn } from '../core/classify';
import { decodeText } from '../core/decode-input';
import type { GeoData } from '../core/geo';
import {
  type ActivitySummary,
  hasFilters,
  needsGeo,
  type QueryFilters,
  type QueryWindow,
  type ResolvedWindow,
  resolveWindow,
} from '../core/query';
import type { Routing } from '../core/routing';
import type { ClassifiedSignIn } from '../core/sign-in';
import type { ActivityStore, Clock, Logger, SignInHistory, SignInStore } from '../ports';

/** Raw records read at most for one filtered answer (newest first); past it the answer says it is partial. */
export const RAW_READ_LIMIT = 5_000;
/** CloudTrail event history keeps 90 days. */
export const HISTORY_DAYS = 90;

export interface QueryDeps {
  readonly store: SignInStore & ActivityStore;
  readonly clock: Clock;
  readonly routing: Routing;
  readonly logger: Logger;
  /**
   * Where addresses are (each person's countries and networks, the `country` and `asn` filters); null where
   * this process has no geo data.
   */
  readonly geo: GeoData | null;
}

export interface QueryRequest {
  readonly window: QueryWindow;
  readonly filters: QueryFilters;
}

export type QueryOutcome =
  | { readonly kind: 'answer'; readonly summary: ActivitySummary; readonly itemsRead: number }
  /** The window starts before the store's history: answered from CloudTrail, later (the worker, or the CLI). */
  | { readonly kind: 'history'; readonly window: ResolvedWindow; readonly coverage: Date | null }
  /** The question cannot be answered here, in words for the reader (plain text). */
  | { readonly kind: 'unanswerable'; readonly problem: string };

/** Why `country` and `asn` cannot be answered without geo data: null when they can (or are not asked). */
export const geoProblem = (filters: QueryFilters, geo: GeoData | null | undefined): string | null =>
  needsGeo(filters) && !geo?.available()
    ? 'The geo data is not available here, so `country` and `asn` cannot be answered: ask without them.'
    : null;

/** Account names (from the routing) become their ids; ids and unknown names stay as typed. */
export const resolveAccounts = (filters: QueryFilters, routing: Routing): QueryFilters => {
  if (filters.accounts.length === 0) return filters;
  const byName = new Map(
    Object.entries(routing.accounts).flatMap(([id, a]) =>
      a.name ? [[a.name.toLowerCase(), id] as const] : [],
    ),
  );
  return { ...filters, accounts: filters.accounts.map((a) => byName.get(a.toLowerCase()) ?? a) };
};

const SINGLE_IP = /^[^/]+$/;

export class Queries {
  constructor(private readonly deps: QueryDeps) {}

  async answer(request: QueryRequest): Promise<QueryOutcome> {
    const problem = geoProblem(request.filters, this.deps.geo);
    if (problem) return { kind: 'unanswerable', problem };
    const now = this.deps.clock.now();
    const window = resolveWindow(request.window, now);
    const coverage = await this.deps.store.coverageStart(now);
    if (coverage === null || window.from < coverage) return { kind: 'history', window, coverage };
    const before = this.deps.store.itemsRead;
    const filters = resolveAccounts(request.filters, this.deps.routing);
    const summary = hasFilters(filters)
      ? await this.fromRecords(filters, window, now)
      : await this.deps.store.readActivity(window.from, window.to, now, this.deps.geo);
    return { kind: 'answer', summary, itemsRead: this.deps.store.itemsRead - before };
  }

  /**
   * A filter the rollups cannot answer: the raw records of the named users or single IPs, through their
   * indexes; other filters alone read the window's records newest first, up to RAW_READ_LIMIT.
   */
  private async fromRecords(
    filters: QueryFilters,
    window: ResolvedWindow,
    now: Date,
  ): Promise<ActivitySummary> {
    const keyed = [
      ...filters.users.map((user) => ({ user })),
      ...filters.ips.filter((ip) => SINGLE_IP.test(ip)).map((ip) => ({ ip })),
    ];
    // A CIDR among the IPs cannot use the per-IP index: then the users' records, or the window's.
    const onlyKeyed = filters.users.length > 0 || filters.ips.every((ip) => SINGLE_IP.test(ip));
    const seen = new Map<string, ClassifiedSignIn>();
    let truncated = false;
    if (onlyKeyed && keyed.length > 0) {
      const lists = filters.users.length > 0 ? keyed.filter((k) => 'user' in k) : keyed;
      for (const key of lists) {
        const found = await this.deps.store.listSignInsOf(key, window.from, window.to, RAW_READ_LIMIT, now);
        if (found.length >= RAW_READ_LIMIT) truncated = true;
        for (const s of found) seen.set(s.eventId, s);
      }
    } else {
      const found = await this.deps.store.listSignIns(
        { from: window.from, to: window.to, limit: RAW_READ_LIMIT },
        now,
      );
      if (found.length >= RAW_READ_LIMIT) truncated = true;
      for (const s of found) seen.set(s.eventId, s);
    }
    const geo = this.deps.geo ?? null;
    const matching = [...seen.values()].filter((s) => matchesFilters(s, filters, geo));
    const summary = summarizeSignIns(matching, window.from, window.to, { geo });
    return truncated
      ? {
          ...summary,
          partial: `Only the newest ${RAW_READ_LIMIT.toLocaleString('en-US')} sign-ins of the window were read: narrow it with \`user\` or \`ip\`, or shorten the window.`,
        }
      : summary;
  }
}

/** A window CloudTrail can still answer: not older than its 90 days. Null when it can; else why not. */
export const historyProblem = (window: ResolvedWindow, now: Date): string | null =>
  now.getTime() - window.from.getTime() > HISTORY_DAYS * 86_400_000
    ? `CloudTrail keeps ${HISTORY_DAYS} days of event history, and signins was not keeping sign-ins that long ago: ask for at most the last ${HISTORY_DAYS} days.`
    : null;

export interface HistoryProgress {
  readonly region: string;
  readonly page: number;
  /** Pages expected, estimated from the time the first pages covered; null until known. */
  readonly estimatedPages: number | null;
  readonly signIns: number;
}

export interface HistoryDeps {
  readonly history: SignInHistory;
  readonly regions: readonly string[];
  readonly logger: Logger;
  /** Where addresses are (countries and networks, the `country` and `asn` filters); absent is null. */
  readonly geo?: GeoData | null;
  /** Epoch ms by which the look-back stops (the worker's time): the answer then says how far it got. */
  readonly deadline?: number;
  readonly nowMs?: () => number;
}

class OutOfTime extends Error {}

/** `country` or `asn` asked where there is no geo data; the message is for the reader. */
export class GeoUnavailableError extends Error {}

/**
 * Reads the window's console sign-ins from CloudTrail event history, region by region, and summarizes the
 * ones that match. `onProgress` hears each page (the caller decides how often to tell the person).
 */
export const answerFromHistory = async (
  request: QueryRequest & { readonly range: ResolvedWindow },
  routing: Routing,
  deps: HistoryDeps,
  onProgress: (p: HistoryProgress) => Promise<void>,
): Promise<ActivitySummary> => {
  const filters = resolveAccounts(request.filters, routing);
  const geo = deps.geo ?? null;
  const problem = geoProblem(filters, geo);
  if (problem) throw new GeoUnavailableError(problem);
  const found = new Map<string, ClassifiedSignIn>();
  let rejected = 0;
  const span = request.range.to.getTime() - request.range.from.getTime();
  const nowMs = deps.nowMs ?? Date.now;
  let stopped: string | null = null;
  for (const region of deps.regions) {
    let oldestSeen: number | null = null;
    if (stopped) break;
    try {
      await deps.history.lookup(region, request.range.from, request.range.to, async (page, records) => {
        for (const record of records) {
          for (const item of decodeText(record)) {
            if (item.kind === 'rejected') rejected += 1;
            if (item.kind !== 'signin') continue;
            const signIn: ClassifiedSignIn = { ...item.signIn, severity: classifySignIn(item.signIn) };
            if (signIn.time) {
              const t = Date.parse(signIn.time);
              if (oldestSeen === null || t < oldestSeen) oldestSeen = t;
            }
            if (matchesFilters(signIn, filters, geo)) found.set(signIn.eventId, signIn);
          }
        }
        // LookupEvents pages go newest first: the time covered so far tells how many pages the window needs.
        const covered = oldestSeen === null ? 0 : request.range.to.getTime() - oldestSeen;
        const estimatedPages = covered > 0 ? Math.max(page, Math.ceil((page * span) / covered)) : null;
        await onProgress({ region, page, estimatedPages, signIns: found.size });
        if (deps.deadline !== undefined && nowMs() >= deps.deadline) {
          const reached = oldestSeen === null ? null : new Date(oldestSeen).toISOString();
          stopped = `The look-back ran out of time after ${page} pages in ${region}${reached ? ` (back to ${reached})` : ''}${deps.regions.length > 1 ? ' and did not read every region' : ''}: ask for a shorter window or narrower filters.`;
          throw new OutOfTime();
        }
      });
    } catch (err) {
      if (!(err instanceof OutOfTime)) throw err;
    }
  }
  if (rejected > 0) deps.logger.warn('history records not read', { rejected });
  const summary = summarizeSignIns([...found.values()], request.range.from, request.range.to, { geo });
  return { ...summary, source: 'cloudtrail', ...(stopped ? { partial: stopped } : {}) };
};
