// What a storm card's counters become, shared by the stores that keep them (DynamoDB, and the dry run's memory):
// the counters a group opens with, and the values a run adds to the few a card lists.
import { BURST_LISTED, type BurstCounters } from '../core/burst';

/**
 * The counters of a group's first card: the card's own sign-in counts, even when it came again, and so do the
 * failures that led up to it unseen (`leadUp`: a brute force that routing hid until its tenth failure).
 */
export const openingCounters = (
  run: BurstCounters,
  leadUp?: { readonly failures: number; readonly first: string },
) => ({
  // A redelivered first sign-in's first delivery never made a card: it is counted on this one.
  count: Math.max(1, run.count) + (leadUp?.failures ?? 0),
  failures: run.failures + (leadUp?.failures ?? 0),
  first: leadUp && leadUp.first < run.first ? leadUp.first : run.first,
  last: run.last,
  users: new Set(run.users.slice(0, BURST_LISTED)),
  ips: new Set(run.ips.slice(0, BURST_LISTED)),
});

/** The run's values the card does not list yet, within what it may list. */
export const newValues = (stored: unknown, values: readonly string[]): Set<string> => {
  const have = stored instanceof Set ? (stored as Set<string>) : new Set<string>();
  const room = Math.max(0, BURST_LISTED - have.size);
  return new Set(values.filter((v) => !have.has(v)).slice(0, room));
};
