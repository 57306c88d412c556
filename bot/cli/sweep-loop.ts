// The sweeper on this machine: what the Lambda sweeper does every minute (alerts not in Slack yet are
// delivered again), run once at start and then every minute while `signins start` runs.
import type { DeliveryDeps } from '../pipeline/delivery';
import type { Responders } from '../pipeline/responders';
import type { Silences } from '../pipeline/silences';
import { type SweepResult, sweepPendingAlerts } from '../pipeline/sweep';
import type { Io } from './command';

export const SWEEP_INTERVAL_MS = 60_000;
/** One run stops starting posts after this, well before the next run is due. */
const RUN_BUDGET_MS = 50_000;

export interface SweepLoop {
  close(): Promise<void>;
}

export const startSweepLoop = async (
  sweep: (options: { deadline: number }) => Promise<SweepResult>,
  report: (result: SweepResult) => void,
  onError: (err: unknown) => void,
  intervalMs = SWEEP_INTERVAL_MS,
): Promise<SweepLoop> => {
  const runOnce = async () => {
    try {
      report(await sweep({ deadline: Date.now() + Math.min(RUN_BUDGET_MS, intervalMs) }));
    } catch (err) {
      onError(err);
    }
  };
  await runOnce();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        if (!stopped) schedule();
      });
    }, intervalMs);
  };
  schedule();
  return {
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};

/** One line when the run did something; nothing when there was nothing to do. */
export const sweepLine = (r: SweepResult): string | undefined =>
  r.retried === 0 && r.errors === 0
    ? undefined
    : `signins: sweeper: ${r.posted} pending card(s) posted, ${r.found} found already in Slack, ${r.stillPending} still pending, ${r.gaveUp} given up${r.errors ? `, ${r.errors} error(s)` : ''}`;

/** The sweeper over the local store and Slack, telling the user what it did. */
export const startLocalSweeper = (
  deps: DeliveryDeps & { readonly responders: Responders },
  io: Io,
  silences?: Silences,
): Promise<SweepLoop> =>
  startSweepLoop(
    async (options) => {
      // Reminders, timeouts and handed-over work first, as the Lambda sweeper does; then silences' ends.
      await deps.responders.sweep(options);
      if (silences) {
        const s = await silences.sweep();
        if (s.announced > 0) io.err(`signins: sweeper: ${s.announced} silence end(s) announced`);
      }
      return sweepPendingAlerts(deps, options);
    },
    (result) => {
      const line = sweepLine(result);
      if (line) io.err(line);
    },
    (err) => io.err(`signins: sweeper: ${err instanceof Error ? err.message : String(err)}`),
  );
