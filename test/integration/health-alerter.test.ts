// A pipeline-health problem reaches people by mail/SMS (the escalation topic) and, when Slack works, as one
// critical card an hour, whatever the number of sweepers that find it.
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { healthAlerter } from '../../bot/pipeline/health-alerter';
import { FakeSlack } from '../helpers/fake-slack';
import { testPipeline } from '../helpers/pipeline-deps';

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

const problem = {
  key: 'trail:arn:aws:cloudtrail:us-east-1:111122223333:trail/signins',
  title: 'the trail <!channel> is not logging',
  detail: 'GetTrailStatus says IsLogging=false since 2026-11-24T00:00:00Z.',
  fix: 'aws cloudtrail start-logging --name signins',
};

it('escalates and posts one critical card per problem per hour, text kept inert', async () => {
  const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 1 });
  const now = new Date();
  const p = testPipeline({ store, slack, clock: { now: () => now } });
  await Promise.all([healthAlerter(p.deps).raise(problem), healthAlerter(p.deps).raise(problem)]);
  expect(p.escalations.map((e) => e.attributes.kind)).toEqual(['pipeline-health', 'pipeline-health']);
  expect(p.escalations[0]?.message).toContain('aws cloudtrail start-logging --name signins');
  const posts = slack.callsTo('chat.postMessage');
  expect(posts).toHaveLength(1);
  expect(String(posts[0]?.args.text)).toMatch(/^CRITICAL: signins health check/);
  expect(JSON.stringify(posts[0]?.args)).not.toContain('<!channel>');
});

it('still escalates when Slack refuses the token, and fails only when both paths fail', async () => {
  const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 1 });
  const now = new Date(Date.now() + 3 * 3_600_000);
  const p = testPipeline({ store, slack, clock: { now: () => now } });
  slack.failNext('chat.postMessage', { slackError: 'token_revoked' });
  await expect(healthAlerter(p.deps).raise({ ...problem, key: 'slack' })).resolves.toBeUndefined();
  expect(p.escalations.length).toBeGreaterThanOrEqual(1);

  const broken = { ...p.deps, escalator: { escalate: async () => Promise.reject(new Error('SNS down')) } };
  const deadStore = Object.create(store) as DynamoSignInStore;
  deadStore.createAlert = async () => Promise.reject(new Error('DynamoDB down'));
  await expect(
    healthAlerter({ ...broken, store: deadStore }).raise({ ...problem, key: 'both' }),
  ).rejects.toThrow(/SNS down.*DynamoDB down/);
});
