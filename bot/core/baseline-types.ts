// What the bot knew about a person's sign-ins before this one: the source IPs (and their /24 or /48), the
// browser families and the regions seen in the last 90 days. The store keeps and returns them; baseline.ts
// turns them into the card's words and the severity step.
import type { FirstSeenWhat } from './query';

/** One remembered thing (an IP, a network, a browser family, a region) for one user. */
export interface SeenBefore {
  /** True when this sign-in is the first with it (in the baseline's memory). */
  readonly first: boolean;
  /** Sign-ins with it before this one. */
  readonly count: number;
  /** When it was first seen; null when first. */
  readonly since: string | null;
  /** The IP, network, browser family or region itself. */
  readonly value: string;
}

export interface BaselineFacts {
  /**
   * False when the bot had never seen this user before (a new deployment, or a new person): then nothing is
   * "first from this IP" in a meaningful way, and the card says the history is empty instead.
   */
  readonly knownUser: boolean;
  /** Sign-ins of this user before this one, and since when (null when unknown user). */
  readonly userSignIns: number;
  readonly userSince: string | null;
  /** Absent when the sign-in does not have it (no IP, unreadable user agent, …). */
  readonly seen: Partial<Readonly<Record<FirstSeenWhat, SeenBefore>>>;
  /**
   * The user's latest successful sign-ins from a known country before this one (one per country, newest first,
   * a few): what impossible travel is measured against (bot/core/travel.ts).
   */
  readonly recent: readonly RecentSuccess[];
}

/** A successful sign-in the baseline remembers for impossible travel. */
export interface RecentSuccess {
  /** ISO 8601 event time. */
  readonly at: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/** How long the baseline remembers (days since last seen). */
export const BASELINE_DAYS = 90;
