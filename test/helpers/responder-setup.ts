// The responder loop's parts for tests on a clock the test moves: the real store on dynalite, the real notifier
// against the fake Slack, and an escalator that records pages (or the test's own). Either part may be wrapped
// to inject a fault.
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { decodeValue } from '../../bot/core/decode-input';
import type { ResponderSettings } from '../../bot/pipeline/config';
import { ingest } from '../../bot/pipeline/ingest';
import { Responders } from '../../bot/pipeline/responders';
import type { BotStore, Clock, Escalation, Notifier } from '../../bot/ports';
import { FakeSlack } from './fake-slack';
import { recordFrom } from './fixtures';
import { testPipeline } from './pipeline-deps';

export interface ResponderSetupOptions {
  readonly dynamo: EmbeddedDynamo;
  readonly slack: FakeSlack;
  readonly clock: Clock;
  readonly settings: ResponderSettings;
  readonly wrapStore?: (store: BotStore) => BotStore;
  readonly wrapNotifier?: (notifier: Notifier) => Notifier;
  /** Replaces the recording escalator (to make pages fail, say). */
  readonly escalate?: (e: Escalation) => Promise<void>;
}

export const responderSetup = (o: ResponderSetupOptions) => {
  const real = new DynamoSignInStore(o.dynamo.client, { tableName: o.dynamo.tableName, retentionDays: 90 });
  const store = o.wrapStore ? o.wrapStore(real) : real;
  const pipeline = testPipeline({ store, slack: o.slack, clock: o.clock });
  const base = {
    ...pipeline.deps,
    store,
    notifier: o.wrapNotifier ? o.wrapNotifier(pipeline.deps.notifier) : pipeline.deps.notifier,
    escalator: o.escalate ? { escalate: o.escalate } : pipeline.deps.escalator,
    settings: o.settings,
  };
  const responders = new Responders(base);
  return { real, deps: { ...base, responders }, responders, escalations: pipeline.escalations };
};

export type ResponderTestDeps = ReturnType<typeof responderSetup>['deps'];

/** Ingests one fixture record with this eventID and finds its card in `channel`: its alert id and ts. */
export const postCard = async (
  deps: ResponderTestDeps,
  slack: FakeSlack,
  channel: string,
  rel: string,
  eventID: string,
) => {
  await ingest(decodeValue(recordFrom(rel, { eventID })), deps, {
    deadline: deps.clock.now().getTime() + 20_000,
  });
  const card = slack.messages.get(channel)?.find((m) => JSON.stringify(m).includes(eventID));
  const metadata = card?.metadata as { event_payload: { alert_id: string } } | undefined;
  if (!card || !metadata) throw new Error(`no card for ${eventID}`);
  return { alertId: metadata.event_payload.alert_id, ts: String(card.ts) };
};

/**
 * One dynalite and one fake Slack for a test file, on a clock the tests move (`world.now`, reset to `start`
 * before each test, with Slack's recordings). Registers its own jest hooks: call it at the top of the file.
 */
export const useResponderWorld = (start: number) => {
  const world = {
    dynamo: undefined as unknown as EmbeddedDynamo,
    slack: undefined as unknown as FakeSlack,
    now: start,
    clock: { now: (): Date => new Date(world.now) } as Clock,
  };
  beforeAll(async () => {
    world.dynamo = await startEmbeddedDynamo();
    world.slack = await new FakeSlack().start();
  });
  afterAll(async () => {
    await world.slack.stop();
    await world.dynamo.close();
  });
  beforeEach(() => {
    world.slack.reset();
    world.now = start;
  });
  return world;
};
