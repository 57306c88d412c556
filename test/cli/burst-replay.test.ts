// `signins replay` of a brute force against the fake Slack: 10,000 failed sign-ins from one address over ten
// minutes are one storm card whose final counter says 10,000, not 10,000 cards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../helpers/fake-slack';
import { recordFrom } from '../helpers/fixtures';
import { runCli } from './run-cli';

const IAM_FAIL = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const EVENTS = 10_000;
const START = Date.parse('2026-11-24T09:00:00Z');

it('replays a 10,000-attempt brute force as one card whose final counter says 10,000', async () => {
  const slack = await new FakeSlack().start();
  const dir = mkdtempSync(join(tmpdir(), 'signins-storm-'));
  try {
    const records = Array.from({ length: EVENTS }, (_, i) =>
      recordFrom(IAM_FAIL, {
        eventID: `storm-${i}`,
        eventTime: new Date(START + Math.floor((i * 600_000) / EVENTS)).toISOString().replace(/\.\d+Z$/, 'Z'),
        sourceIPAddress: '203.0.113.7',
      }),
    );
    const trail = join(dir, 'brute-force.json');
    writeFileSync(trail, JSON.stringify({ Records: records }));
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-cli',
      SLACK_API_URL: slack.url,
      SIGNINS_DATA_DIR: join(dir, 'data'),
      SIGNINS_CHANNEL: 'C0CLI',
    };
    const run = await runCli(['replay', trail], { env, timeoutMs: 240_000 });
    expect(run.code).toBe(0);
    const cards = slack.messages.get('C0CLI') ?? [];
    expect(cards).toHaveLength(1);
    expect(String(cards[0]?.text)).toContain('10,000 failed sign-ins as anaya from 203.0.113.7');
    expect(JSON.stringify(cards[0]?.blocks)).toContain('brute force: 10,000 failed sign-ins in 10 min');
    expect(slack.calls.length).toBeLessThanOrEqual(20);
  } finally {
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
