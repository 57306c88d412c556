// The worker's pipeline as the CLI runs it (`replay`, `start`): the same ingest and delivery, with cards shown
// on the terminal, escalations told on stderr instead of an SNS topic, and Slack when a token is given.
import { type RecordedCall, ReportingNotifier, SlackNotifier } from '../adapters/slack-notifier';
import type { DecodedItem, DeliveryPath } from '../core/decode-input';
import type { GeoData } from '../core/geo';
import type { Config } from '../pipeline/config';
import { type IngestDeps, type IngestResult, ingest } from '../pipeline/ingest';
import { Responders } from '../pipeline/responders';
import { type BotStore, type Escalation, type Logger, noMetrics, systemClock } from '../ports';
import type { Io } from './command';
import { rejectionLine } from './read-inputs';
import { HintingNotifier } from './slack-hints';

export interface LocalPipelineParts {
  readonly config: Config;
  readonly store: BotStore;
  readonly logger: Logger;
  readonly io: Io;
  /** Every card posted (or, without Slack, that would be). */
  readonly onCall: (call: RecordedCall) => void;
  /** Post to Slack with this token; without it nothing leaves the machine. */
  readonly slackToken?: string;
  /** The bundled geo data (bot/cli/local-geo.ts), or null without it. */
  readonly geo: GeoData | null;
}

export const localDeps = (parts: LocalPipelineParts): IngestDeps & { readonly responders: Responders } => {
  const { config, io } = parts;
  const slack = parts.slackToken
    ? new HintingNotifier(
        new SlackNotifier(async () => parts.slackToken as string, {
          slackApiUrl: config.slackApiUrl,
          timeoutMs: config.slackTimeoutMs,
        }),
        io.err,
      )
    : undefined;
  const base = {
    store: parts.store,
    notifier: new ReportingNotifier(parts.onCall, slack),
    // No escalation topic on this machine: the user is the one to tell (the first line says what and why).
    escalator: {
      escalate: async (e: Escalation) =>
        io.err(`signins: ${e.attributes.alertId ?? 'alert'}: ${e.message.split('\n')[0]}`),
    },
    metrics: noMetrics,
    logger: parts.logger,
    clock: systemClock,
    routing: config.routing,
    defaultChannel: config.channel,
    geo: parts.geo,
    settings: config.responders,
  };
  return { ...base, responders: new Responders(base) };
};

/** Ingests one input and tells, line by line, what was rejected and what did not reach Slack. */
export const ingestInput = async (
  name: string,
  items: readonly DecodedItem[],
  deps: IngestDeps,
  io: Io,
  /** How the records came (`replay` reads files); the card names it. */
  via?: DeliveryPath,
): Promise<IngestResult> => {
  const result = await ingest(items, deps, via ? { via } : {});
  for (const r of result.rejected) io.err(rejectionLine(name, r.position, r.message));
  for (const n of result.notStored) io.err(`signins: ${name}: ${n.id} not stored: ${n.error}`);
  for (const f of result.failed) {
    // A given-up alert was told by the escalator; what is left pending, the sweeper retries.
    if ((await deps.store.getAlert(f.alertId))?.status === 'failed') continue;
    io.err(`signins: ${name}: ${f.alertId} not posted yet, the sweeper retries it: ${f.error}`);
  }
  return result;
};
