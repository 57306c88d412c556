// What both silence stores (DynamoDB, and the dry run's memory) agree on: which fields an update never writes,
// when a silence ended, and the version a change gets.
import type { Silence } from '../core/silence-types';

/** Never written by an update: the id is the key, `held` only grows (countHeld), `createdAt` never changes. */
export const FIXED_SILENCE_FIELDS: ReadonlySet<string> = new Set(['id', 'held', 'createdAt', 'updatedAt']);

/** When it stopped or stops holding sign-ins back: its end, or when it was cancelled if earlier. */
export const endedAt = (s: Pick<Silence, 'endsAt' | 'cancelled'>): string =>
  s.cancelled && s.cancelled.at < s.endsAt ? s.cancelled.at : s.endsAt;

/** An `updatedAt` after the one read, even within the same millisecond: every change is a new version. */
export const nextVersion = (proposed: string | undefined, previous: string): string => {
  const floor = Date.parse(previous) + 1;
  const wanted = proposed === undefined ? Date.now() : Date.parse(proposed);
  return new Date(Number.isNaN(floor) ? wanted : Math.max(wanted, floor)).toISOString();
};
