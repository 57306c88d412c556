// Per-person baselines, learned a batch at a time in event-time order: what each person's baseline knew before
// each of their new sign-ins, and what it remembers after. Storage-shaped (a RememberedUser in, one out) and
// pure: the DynamoDB activity store and the dry run's memory store learn with the same code.
import { baselineValues, placeValues } from '../core/baseline';
import {
  BASELINE_DAYS,
  type BaselineFacts,
  type RecentSuccess,
  type SeenBefore,
} from '../core/baseline-types';
import type { FirstSeenWhat } from '../core/query';
import { DAY_MS, principalId } from '../core/rollup';
import type { ClassifiedSignIn } from '../core/sign-in';
import type { RememberedUser } from './store-records';

/** Things (IPs, networks, browsers, regions) one person's baseline remembers. */
const THING_CAP = 2_000;
/** What a baseline learns from the geo data rather than from the record itself. */
const PLACES: ReadonlySet<FirstSeenWhat> = new Set(['country', 'asn']);
/** Countries a baseline keeps the latest successful sign-in of, for impossible travel. */
const RECENT_KEPT = 5;

/** A sign-in new to the store, with the time it is filed under (its own, or its arrival). */
export interface Fresh {
  readonly signIn: ClassifiedSignIn;
  readonly at: string;
}

/** A batch's new sign-ins by person (principalId), each person's in the batch's (event-time) order. */
export const byPerson = (fresh: readonly Fresh[]): Map<string, Fresh[]> => {
  const out = new Map<string, Fresh[]>();
  for (const f of fresh) {
    const person = principalId(f.signIn);
    const list = out.get(person) ?? [];
    list.push(f);
    out.set(person, list);
  }
  return out;
};

/**
 * Each sign-in's baseline facts (what its person's baseline knew just before it), and the baselines of the
 * people who learned something (only successful sign-ins are learned: a password guesser's address must not
 * become familiar by failing often). Things not seen for BASELINE_DAYS before `now` are forgotten.
 */
export const learnBaselines = (
  people: ReadonlyMap<string, readonly Fresh[]>,
  rememberedOf: (person: string) => RememberedUser | null,
  now: Date,
): { facts: Map<string, BaselineFacts>; learned: Map<string, RememberedUser> } => {
  const cutoff = new Date(now.getTime() - BASELINE_DAYS * DAY_MS).toISOString();
  const values = valuesOfBatch();
  const facts = new Map<string, BaselineFacts>();
  const learned = new Map<string, RememberedUser>();
  for (const [person, signIns] of people) {
    const memory = new PersonMemory(rememberedOf(person), cutoff);
    let changed = false;
    for (const f of signIns) {
      const seen = values(f.signIn);
      facts.set(f.signIn.eventId, memory.factsFor(seen));
      if (f.signIn.outcome !== 'success') continue;
      memory.learn(seen, f.at);
      changed = true;
    }
    if (changed) learned.set(person, memory.remembered());
  }
  return { facts, learned };
};

/** The values a baseline keeps of each sign-in; addresses and user agents are parsed once a batch. */
const valuesOfBatch = () => {
  const cache = new Map<string, Partial<Record<FirstSeenWhat, string>>>();
  const once = (key: string, of: () => Partial<Record<FirstSeenWhat, string>>) => {
    let values = cache.get(key);
    if (!values) {
      values = of();
      cache.set(key, values);
    }
    return values;
  };
  return (s: ClassifiedSignIn): Partial<Record<FirstSeenWhat, string>> => ({
    ...(s.sourceIp
      ? once(`ip ${s.sourceIp}`, () =>
          baselineValues({ sourceIp: s.sourceIp, region: null, userAgent: null }),
        )
      : {}),
    ...placeValues(s.place),
    ...(s.userAgent
      ? once(`ua ${s.userAgent}`, () =>
          baselineValues({ sourceIp: null, region: null, userAgent: s.userAgent }),
        )
      : {}),
    ...(s.region ? { region: s.region } : {}),
  });
};

type Thing = [count: number, first: string, last: string];

/**
 * One person's baseline while a batch is learned: what was remembered (things not seen for BASELINE_DAYS
 * forgotten), then each sign-in in time order.
 */
class PersonMemory {
  private count: number;
  private since: string | null;
  private last: string | null;
  private readonly things = new Map<FirstSeenWhat, Map<string, Thing>>();
  private size = 0;
  /** Latest successful sign-in per country. */
  private readonly recent = new Map<string, string>();

  constructor(memory: RememberedUser | null, cutoff: string) {
    const known = memory !== null && memory.last !== null && memory.last >= cutoff;
    this.count = known ? memory.count : 0;
    this.since = known ? memory.since : null;
    this.last = known ? memory.last : null;
    for (const r of known ? memory.recent : []) this.noteRecent(r);
    for (const [what, byValue] of Object.entries(memory?.things ?? {}) as [
      FirstSeenWhat,
      Record<string, Thing>,
    ][])
      for (const [value, thing] of Object.entries(byValue))
        if (thing[2] >= cutoff) {
          this.of(what).set(value, [...thing]);
          this.size += 1;
        }
  }

  private of(what: FirstSeenWhat): Map<string, Thing> {
    let map = this.things.get(what);
    if (!map) {
      map = new Map();
      this.things.set(what, map);
    }
    return map;
  }

  factsFor(values: Partial<Record<FirstSeenWhat, string>>): BaselineFacts {
    const seen: Partial<Record<FirstSeenWhat, SeenBefore>> = {};
    const familiarAddress = (['ip', 'network'] as const).some((what) => {
      const value = values[what];
      return value !== undefined && this.things.get(what)?.has(value) === true;
    });
    for (const [what, value] of Object.entries(values) as [FirstSeenWhat, string][]) {
      const thing = this.things.get(what)?.get(value);
      // A place is news only against a memory of places. A baseline learned before the bot had geo data (or
      // while it was missing) knows the person's addresses but no country: every country would look new. And
      // an address or block the person used before is no new place, whatever the data now says it is.
      if (!thing && PLACES.has(what) && (familiarAddress || !this.things.get(what)?.size)) continue;
      seen[what] = thing
        ? { first: false, count: thing[0], since: thing[1], value }
        : { first: true, count: 0, since: null, value };
    }
    return {
      knownUser: this.count > 0,
      userSignIns: this.count,
      userSince: this.since,
      seen,
      recent: this.recentSuccesses(),
    };
  }

  private noteRecent({ at, country }: RecentSuccess): void {
    const known = this.recent.get(country);
    if (known === undefined || at > known) this.recent.set(country, at);
  }

  /** Newest first, RECENT_KEPT at most: enough to catch a jump between two of a person's usual countries. */
  private recentSuccesses(): RecentSuccess[] {
    return [...this.recent]
      .map(([country, at]) => ({ at, country }))
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, RECENT_KEPT);
  }

  learn(values: Partial<Record<FirstSeenWhat, string>>, at: string): void {
    this.count += 1;
    if (values.country) this.noteRecent({ at, country: values.country });
    this.since ??= at;
    this.last = this.last === null || at > this.last ? at : this.last;
    for (const [what, value] of Object.entries(values) as [FirstSeenWhat, string][]) {
      const thing = this.things.get(what)?.get(value);
      if (thing) {
        thing[0] += 1;
        if (at > thing[2]) thing[2] = at;
      } else if (this.size < THING_CAP) {
        // Past the cap a new thing is not remembered: it stays "new", which errs on the side of telling.
        this.of(what).set(value, [1, at, at]);
        this.size += 1;
      }
    }
  }

  remembered(): RememberedUser {
    return {
      count: this.count,
      since: this.since,
      last: this.last,
      recent: this.recentSuccesses(),
      things: Object.fromEntries(
        [...this.things].map(([what, byValue]) => [what, Object.fromEntries(byValue)]),
      ),
    };
  }
}
