// Seeded fuzz of the whole worker pipeline: published sign-in records mutated with hostile values, mixed with
// garbage, through the real decoder, store (dynalite) and Slack notifier (fake Slack). Whatever the batch, every
// record that decodes to a posted sign-in gives exactly one card or is counted on exactly one storm card (the same
// fixture drawn twice is the same principal, address and outcome: bot/core/burst.ts): none lost, none twice.
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { classifySignIn } from '../../bot/core/classify';
import { decodeValue } from '../../bot/core/decode-input';
import { ingest } from '../../bot/pipeline/ingest';
import { FakeSlack } from '../helpers/fake-slack';
import { fixtureJson, listFixtures, subscriptionEvent } from '../helpers/fixtures';
import { testPipeline } from '../helpers/pipeline-deps';
import { seededRandom } from '../helpers/seeded-random';

const BATCHES = 60;
const RECORDS_PER_BATCH = 8;

const HOSTILE: readonly unknown[] = [
  '<!channel> <https://evil.example|click>',
  '*bold* _it_ ~s~ `code` #general a@b.co',
  '\u202egnp.exe\u202c',
  '\u001b]8;;http://evil\u0007x\u001b]8;;\u0007',
  'x'.repeat(70_000),
  '😀'.repeat(2_000),
  'end\ud83d',
  '\ud800lead',
  'constructor',
  '__proto__',
  '',
  null,
  0,
  -1e20,
  1e20,
  true,
  [],
  {},
  { nested: { deeper: '<!here>' } },
];

/** Fields a mutation may replace; eventID and eventSource stay so that the expectation is computable. */
const FIELDS = [
  'userAgent',
  'sourceIPAddress',
  'awsRegion',
  'eventTime',
  'recipientAccountId',
  'errorMessage',
  'additionalEventData',
  'responseElements',
  'userIdentity',
];

const signInFixtures = listFixtures('signin').filter((f) => f.endsWith('.json'));

let dynamo: EmbeddedDynamo;
let slack: FakeSlack;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  slack = await new FakeSlack().start();
});
afterAll(async () => {
  await slack.stop();
  await dynamo.close();
});

it(`never loses or doubles a good record across ${BATCHES} mutated, mixed batches`, async () => {
  const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 30 });
  const { deps } = testPipeline({ store, slack, clock: { now: () => new Date() } });
  const random = seededRandom(20261124);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  let expectedPosts = 0;
  let records = 0;
  let grouped = 0;

  for (let b = 0; b < BATCHES; b += 1) {
    const batch: Record<string, unknown>[] = [];
    for (let r = 0; r < RECORDS_PER_BATCH; r += 1) {
      const base = fixtureJson<Record<string, unknown>>(pick(signInFixtures));
      const record: Record<string, unknown> = { ...base, eventID: `fuzz-${b}-${r}` };
      for (let m = Math.floor(random() * 3); m > 0; m -= 1) record[pick(FIELDS)] = pick(HOSTILE);
      batch.push(record);
    }
    // What the pipeline should post: every record that decodes to a sign-in at or above the posting threshold.
    const items = decodeValue({ Records: batch });
    const signIns = items.flatMap((i) => (i.kind === 'signin' ? [i.signIn] : []));
    records += signIns.length;
    expectedPosts += signIns.filter((s) => classifySignIn(s) !== 'info').length;
    const garbage = ['{"eventSource": "signin.amazonaws.com"', '\u0000\u0001binary', '[1,2', 'null'];
    const event = subscriptionEvent(batch, {
      raw: garbage.slice(0, 1 + Math.floor(random() * garbage.length)),
    });
    const result = await ingest(decodeValue(event), deps);
    expect(result.notStored).toEqual([]);
    expect(result.abandoned).toBe(0);
    grouped += result.grouped;
  }

  const posted = slack
    .callsTo('chat.postMessage')
    .map((c) => (c.args.metadata as { event_payload: { alert_id: string } }).event_payload.alert_id);
  expect(new Set(posted).size).toBe(posted.length);
  // A storm's sign-ins after its first are counted on its card, not posted: together, each good record once.
  expect(posted.length + grouped).toBe(expectedPosts);
  expect(grouped).toBeGreaterThan(0);
  expect(records).toBeGreaterThan(BATCHES * RECORDS_PER_BATCH * 0.9);
  // Every card went through Slack's form encoding and came back as well-formed JSON text.
  for (const call of [...slack.callsTo('chat.postMessage'), ...slack.callsTo('chat.update')]) {
    expect(JSON.stringify(call.args.blocks)).not.toMatch(/<!(channel|here|everyone)>/);
  }
  // About 10 s alone; a shared, busy machine has taken over 30 s.
}, 120_000);
