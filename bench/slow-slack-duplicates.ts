// Measures duplicates under a slow Slack: a fake Slack on 127.0.0.1 posts each card at once and answers only
// after DELAY_MS (default 6000, past the client's 5 s timeout); `signins replay` runs twice over RECORDS (default
// 20) root sign-ins on one data folder, and the number of cards that landed is printed after each run.
//   npx tsx bench/slow-slack-duplicates.ts [BIN=bin/signins.cjs] [DELAY_MS=6000] [RECORDS=20]
// Point BIN at another checkout's bin/signins.cjs to compare two versions in the same run.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeSlack } from '../test/helpers/fake-slack';

const [bin = join(__dirname, '..', 'bin', 'signins.cjs'), delayText = '6000', recordsText = '20'] =
  process.argv.slice(2);
const delayMs = Number(delayText);
const records = Number(recordsText);
const CHANNEL = 'C0MEASURE';

const main = async () => {
  const root = JSON.parse(
    readFileSync(
      join(__dirname, '..', 'test/fixtures/signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json'),
      'utf8',
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'signins-slow-slack-'));
  const trail = join(dir, 'trail.json');
  writeFileSync(
    trail,
    JSON.stringify({
      Records: Array.from({ length: records }, (_, i) => ({ ...root, eventID: `slow-${i}` })),
    }),
  );
  const slack = await new FakeSlack().start();
  slack.failNext('chat.postMessage', ...Array.from({ length: records * 10 }, () => ({ delayMs })));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SLACK_BOT_TOKEN: 'xoxb-measure',
    SLACK_API_URL: slack.url,
    SIGNINS_DATA_DIR: join(dir, 'data'),
    SIGNINS_CHANNEL: CHANNEL,
    SIGNINS_LOG_LEVEL: 'silent',
  };
  try {
    for (const run of [1, 2]) {
      const started = Date.now();
      const result = await promisify(execFile)(process.execPath, [bin, 'replay', trail], {
        env,
        encoding: 'utf8',
      })
        .then((o) => ({ code: 0, stderr: o.stderr }))
        .catch((e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
      const landed = slack.messages.get(CHANNEL)?.length ?? 0;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `run ${run}: exit ${result.code} in ${seconds} s; ${landed} card(s) in the channel for ${records} record(s)`,
      );
    }
  } finally {
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

void main();
