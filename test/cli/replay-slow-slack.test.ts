// `signins replay` against a Slack that answers after the client's timeout, having posted each card: exactly
// one card per record, and none more when the same files are replayed again on the same data folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../helpers/fake-slack';
import { ROOT, runCli } from './run-cli';

it('makes exactly one post per record when every answer comes after the timeout, also when run twice', async () => {
  const slack = await new FakeSlack().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'signins-slow-'));
  try {
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-cli',
      SLACK_API_URL: slack.url,
      SIGNINS_DATA_DIR: dataDir,
      SIGNINS_CHANNEL: 'C0CLI',
      // The client gives up after 300 ms; the fake Slack posts each card at once and answers after 600 ms.
      SIGNINS_SLACK_TIMEOUT_MS: '300',
    };
    slack.failNext('chat.postMessage', ...Array.from({ length: 20 }, () => ({ delayMs: 600 })));
    const trail = join(ROOT, 'examples', 'sample-trail.json');
    const first = await runCli(['replay', trail], { env });
    expect(first.code).toBe(0);
    const inChannel = () => slack.messages.get('C0CLI') ?? [];
    expect(inChannel()).toHaveLength(8);
    const second = await runCli(['replay', trail], { env });
    expect(second.code).toBe(0);
    expect(inChannel()).toHaveLength(8);
    const ids = inChannel().map(
      (m) => (m.metadata as { event_payload: { alert_id: string } }).event_payload.alert_id,
    );
    expect(new Set(ids).size).toBe(8);
  } finally {
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
