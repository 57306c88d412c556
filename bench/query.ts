// P4: `/signins last 24h` over a day of 100,000 sign-ins on dynalite, asked the way the slash command asks it
// (the command's grammar, then Queries with the geo data, as on Lambda): the store items read and the time.
//   npx tsx bench/query.ts
import { DynamoSignInStore } from '../bot/adapters/dynamodb-store';
import { startEmbeddedDynamo } from '../bot/adapters/embedded-dynamodb';
import { openGeoData } from '../bot/adapters/geo-database';
import { parseCommand } from '../bot/core/query-grammar';
import { DEFAULT_ROUTING } from '../bot/core/routing';
import { Queries } from '../bot/pipeline/queries';
import type { Logger } from '../bot/ports';
import { ensureGeoData } from '../shared/geo-data-build';
import { BATCH, DAY_MS, generateDay, NOW, SIGN_INS } from '../test/helpers/sign-in-day';
import { median, round } from './bench-helpers';

export interface QueryResult {
  /** Store items read by the first answer. Target ≤ 500. */
  readonly itemsRead: number;
  /** The first answer's time, ms. */
  readonly ms: number;
  /** Median of the answers asked again afterwards (same items read). */
  readonly repeatMs: number;
  readonly signIns: number;
  readonly answeredTotal: number;
  readonly writeMs: number;
}

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export const runQueryBench = async (options: { repeats?: number } = {}): Promise<QueryResult> => {
  const repeats = options.repeats ?? 5;
  const { signIns, expected } = generateDay();
  // A store that ran the day before too: its record begins before the window, so the store answers, not CloudTrail.
  const dayBefore = {
    ...(signIns[0] as (typeof signIns)[number]),
    eventId: 'scale-day-before',
    time: new Date(NOW.getTime() - 2 * DAY_MS).toISOString(),
  };
  const dynamo = await startEmbeddedDynamo({ tableName: 'query-bench' });
  try {
    const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 30 });
    const writeStart = performance.now();
    await store.recordSignIns([dayBefore], NOW);
    for (let i = 0; i < signIns.length; i += BATCH)
      await store.recordSignIns(signIns.slice(i, i + BATCH), NOW);
    const writeMs = performance.now() - writeStart;

    const command = parseCommand('last 24h', NOW);
    if (command.kind !== 'query')
      throw new Error(`"last 24h" is not a query to the grammar: ${command.kind}`);
    const queries = new Queries({
      store,
      clock: { now: () => NOW },
      routing: DEFAULT_ROUTING,
      logger: quiet,
      geo: openGeoData(ensureGeoData()),
    });
    const ask = async () => {
      const start = performance.now();
      const outcome = await queries.answer({ window: command.window, filters: command.filters });
      const ms = performance.now() - start;
      if (outcome.kind !== 'answer')
        throw new Error(`the store did not answer the last 24h: ${outcome.kind}`);
      return { ms, outcome };
    };
    const first = await ask();
    if (first.outcome.summary.total !== expected.total)
      throw new Error(`answered ${first.outcome.summary.total} sign-ins of ${expected.total}`);
    const again: number[] = [];
    for (let i = 0; i < repeats; i += 1) again.push((await ask()).ms);
    return {
      itemsRead: first.outcome.itemsRead,
      ms: round(first.ms, 1),
      repeatMs: round(median(again), 1),
      signIns: SIGN_INS,
      answeredTotal: first.outcome.summary.total,
      writeMs: Math.round(writeMs),
    };
  } finally {
    await dynamo.close();
  }
};

if (require.main === module) {
  runQueryBench()
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
