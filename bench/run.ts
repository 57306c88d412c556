// `npm run bench`: every benchmark of issue 9 in turn, a table of figure, value, target and whether it is met,
// and bench/results.json. Ratios are against a baseline measured in the same run (the machines are shared and
// noisy); counts are counts. A benchmark another piece of work has not built yet is a row that says so (null in
// the JSON); one that fails is reported and the others still run.
//   npm run bench [-- burst throughput coldStart query cli]
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { round } from './bench-helpers';
import { runColdStartBench } from './bundles';
import { runQueryBench } from './query';
import { runThroughputBench } from './throughput';

type Figures = Record<string, unknown>;
type Section = 'burst' | 'throughput' | 'coldStart' | 'query' | 'cli';

/** The keys, always present (null when not measured). */
const KEYS: Record<Section, readonly string[]> = {
  burst: ['events', 'slackCalls', 'counted'],
  throughput: ['ratio'],
  coldStart: ['ingressRatio', 'workerRatio'],
  query: ['itemsRead', 'ms'],
  cli: ['replayRatio', 'peakRssMb', 'startupRatio'],
};

interface Row {
  readonly figure: string;
  readonly section: Section;
  readonly key: string;
  readonly target: string;
  /** Whether the value meets the target; absent for a figure reported without one. */
  readonly met?: (value: number, figures: Figures) => boolean;
}

const ROWS: readonly Row[] = [
  {
    figure: 'P1 burst: Slack calls for 10,000 failures',
    section: 'burst',
    key: 'slackCalls',
    target: '≤ 20',
    met: (v) => v <= 20,
  },
  {
    figure: 'P1 burst: sign-ins counted by /signins',
    section: 'burst',
    key: 'counted',
    target: '10,000 of 10,000',
    met: (v, f) => v === f.events && v === 10_000,
  },
  {
    figure: 'P2 throughput: floor / pipeline',
    section: 'throughput',
    key: 'ratio',
    target: '≥ 0.33',
    met: (v) => v >= 0.33,
  },
  {
    figure: 'P2 store requests per 1,000 sign-ins',
    section: 'throughput',
    key: 'storeRequestsPer1000',
    target: '—',
  },
  {
    figure: 'P3 ingress require / bare Bolt',
    section: 'coldStart',
    key: 'ingressRatio',
    target: '≤ 1.15',
    met: (v) => v <= 1.15,
  },
  {
    figure: 'P3 worker require / bare Bolt',
    section: 'coldStart',
    key: 'workerRatio',
    target: '≤ 0.5',
    met: (v) => v <= 0.5,
  },
  {
    figure: 'P4 /signins last 24h: items read',
    section: 'query',
    key: 'itemsRead',
    target: '≤ 500',
    met: (v) => v <= 500,
  },
  { figure: 'P4 /signins last 24h: ms', section: 'query', key: 'ms', target: '—' },
  {
    figure: 'P6 replay / parse throughput',
    section: 'cli',
    key: 'replayRatio',
    target: '≥ 0.5',
    met: (v) => v >= 0.5,
  },
  {
    figure: 'P6 replay peak RSS (MB)',
    section: 'cli',
    key: 'peakRssMb',
    target: '≤ 300',
    met: (v) => v <= 300,
  },
  {
    figure: 'P6 signins --version / node -e 0',
    section: 'cli',
    key: 'startupRatio',
    target: '≤ 3',
    met: (v) => v <= 3,
  },
];

class NotBuiltError extends Error {
  override readonly name = 'NotBuiltError';
}

/**
 * A benchmark in a file another piece of work adds (bench/burst.ts, bench/cli.ts): not built yet when the file
 * or its export is missing. A module that exists but fails to load is an error, not "not built".
 */
const fromOptionalFile = (file: string, exportName: string) => async (): Promise<Figures> => {
  const full = path.join(__dirname, file);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(full)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Only the file itself: a module it imports that is missing is a failure of a built benchmark.
    const firstLine = ((err as Error).message ?? '').split('\n')[0] ?? '';
    const missing =
      (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && firstLine.includes(`'${full}'`);
    if (missing) throw new NotBuiltError(`bench/${file}.ts is not built yet`);
    throw err;
  }
  const run = mod[exportName];
  if (typeof run !== 'function') throw new NotBuiltError(`bench/${file}.ts has no ${exportName}() yet`);
  return (await run()) as Figures;
};

const BENCHES: Record<Section, () => Promise<Figures>> = {
  burst: fromOptionalFile('burst', 'runBurstBench'),
  throughput: async () => ({ ...(await runThroughputBench()) }),
  coldStart: async () => ({ ...(await runColdStartBench()) }),
  query: async () => ({ ...(await runQueryBench()) }),
  cli: fromOptionalFile('cli', 'runCliBench'),
};

interface Outcome {
  readonly figures: Figures;
  /** "not built yet", or the error, when the benchmark gave no figures. */
  readonly problem?: string;
  readonly seconds: number;
}

const runOne = async (section: Section): Promise<Outcome> => {
  const start = performance.now();
  const seconds = () => round((performance.now() - start) / 1000, 1);
  try {
    const figures = await BENCHES[section]();
    return {
      figures: { ...Object.fromEntries(KEYS[section].map((k) => [k, null])), ...figures },
      seconds: seconds(),
    };
  } catch (err) {
    const problem =
      err instanceof NotBuiltError ? 'not built yet' : `failed: ${(err as Error).message ?? String(err)}`;
    if (!(err instanceof NotBuiltError)) {
      console.error(`${section}:`, err);
      process.exitCode = 1;
    } else console.error(`${section}: ${(err as Error).message}`);
    return {
      figures: { ...Object.fromEntries(KEYS[section].map((k) => [k, null])), note: problem },
      problem,
      seconds: seconds(),
    };
  }
};

const show = (value: unknown): string =>
  typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 3 }) : String(value);

const table = (outcomes: Partial<Record<Section, Outcome>>): string => {
  const lines = ROWS.filter((row) => outcomes[row.section]).map((row) => {
    const outcome = outcomes[row.section] as Outcome;
    const value = outcome.figures[row.key];
    if (typeof value !== 'number') return [row.figure, outcome.problem ?? 'no figure', row.target, '—'];
    const met = row.met ? (row.met(value, outcome.figures) ? 'yes' : 'NO') : '—';
    return [row.figure, show(value), row.target, met];
  });
  const all = [['figure', 'value', 'target', 'met?'], ...lines];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...all.map((cells) => (cells[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(all[0] as string[]), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(line)].join(
    '\n',
  );
};

const main = async () => {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(a in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  const sections = (asked.length > 0 ? asked : Object.keys(BENCHES)) as Section[];
  const started = new Date();
  const startMs = performance.now();
  const outcomes: Partial<Record<Section, Outcome>> = {};
  for (const section of sections) {
    console.error(`… ${section}`);
    outcomes[section] = await runOne(section);
    console.error(`  ${section}: ${(outcomes[section] as Outcome).seconds} s`);
  }
  const seconds = round((performance.now() - startMs) / 1000, 1);
  console.log(table(outcomes));
  console.log(
    `\n${sections.length} benchmark(s) in ${seconds} s on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  );
  // A partial run (some benchmarks asked by name) prints only: results.json always holds a whole run.
  if (asked.length > 0) return;
  const results = {
    ...Object.fromEntries(sections.map((s) => [s, (outcomes[s] as Outcome).figures])),
    run: {
      date: started.toISOString(),
      seconds,
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      secondsEach: Object.fromEntries(sections.map((s) => [s, (outcomes[s] as Outcome).seconds])),
    },
  };
  const file = path.join(__dirname, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
};

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
