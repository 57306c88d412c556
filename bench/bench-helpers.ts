// Small pieces every benchmark uses: medians, alternating rounds, sizes, a request counter on an SDK client.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export const mb = (bytes: number): number => Math.round((bytes / 1e6) * 100) / 100;

export const round = (n: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Milliseconds `work` took. */
export const timeMs = async (work: () => unknown): Promise<number> => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

/**
 * Runs each variant `rounds` times, alternating the order every round so that neither always runs first on a
 * noisy machine (a neighbour's burst lands on both). Returns each variant's times.
 */
export const alternate = async <K extends string>(
  rounds: number,
  variants: Readonly<Record<K, () => Promise<number>>>,
): Promise<Record<K, number[]>> => {
  const keys = Object.keys(variants) as K[];
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < rounds; i += 1) {
    const order = i % 2 === 0 ? keys : [...keys].reverse();
    for (const key of order) times[key].push(await variants[key]());
  }
  return times;
};

/** Counts the requests a DynamoDB client sends (each command once, by name); the middleware stays for the client's life. */
export const countRequests = (
  client: DynamoDBClient,
): { total: () => number; byCommand: () => Record<string, number> } => {
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return {
    total: () => Object.values(counts).reduce((n, c) => n + c, 0),
    byCommand: () => ({ ...counts }),
  };
};
