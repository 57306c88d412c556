// The `signins` command contract, run as a user runs it: a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../helpers/fake-slack';
import { fixturePath, listFixtures } from '../helpers/fixtures';
import { slackSignatureHeaders } from '../helpers/slack-signature';
import { BIN, cleanEnv, freePort, ROOT, runCli } from './run-cli';

// One way to run the CLI as a user does (run-cli.ts): a clean environment, exit code or 'hung'.
const run = runCli;

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('signins parse', () => {
  it('prints every valid sign-in of the fixtures and rejects the invalid files by name and position', async () => {
    const files = listFixtures('signin').map(fixturePath);
    const { code, stdout, stderr } = await run(['parse', ...files]);
    const lines = jsonLines(stdout);
    expect(lines).toHaveLength(59);
    for (const line of lines) {
      for (const key of [
        'eventId',
        'eventName',
        'time',
        'outcome',
        'failureReason',
        'identityType',
        'principal',
        'arn',
        'accountId',
        'sourceIp',
        'region',
        'userAgent',
        'mfa',
        'severity',
      ]) {
        expect(line).toHaveProperty(key);
      }
    }
    const rejections = stderr.trim().split('\n');
    expect(rejections).toHaveLength(7);
    for (const r of rejections)
      expect(r).toMatch(/^signins: \S+\.invalid-json\.txt \(line \d+ column \d+\): invalid JSON: /);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(code).toBe(2);
  });

  it('reads standard input and exits 0 when nothing is rejected', async () => {
    const alarm = await run(['parse', '-'], {
      stdin: JSON.stringify(
        require(fixturePath('cloudwatch-alarm-sns/ts-comment-eu-south-1-alarm-REAL.json')),
      ),
    });
    expect(alarm.code).toBe(0);
    expect(jsonLines(alarm.stdout)).toEqual([
      expect.objectContaining({
        kind: 'alarm',
        state: 'ALARM',
        previousState: 'OK',
        region: 'eu-south-1',
        accountId: '975050211138',
        time: '2024-07-05T15:20:44.959Z',
      }),
    ]);
  });

  it('names a missing file and still processes the others', async () => {
    const { code, stdout, stderr } = await run([
      'parse',
      'no-such-file.json',
      fixturePath('signin/panther-analysis/root-success-no-mfa.json'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('signins: no-such-file.json: no such file');
    expect(jsonLines(stdout)).toEqual([
      expect.objectContaining({ identityType: 'Root', severity: 'critical' }),
    ]);
  });
});

describe('signins replay', () => {
  it('--dry-run --json shows one chat.postMessage for a record given twice, with hostile text only escaped', async () => {
    const { code, stdout } = await run([
      'replay',
      '--dry-run',
      '--json',
      join(ROOT, 'examples', 'hostile-user-agent-twice.json'),
    ]);
    expect(code).toBe(0);
    const calls = jsonLines(stdout);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'chat.postMessage',
      args: { channel: '#aws-signins', unfurl_links: false },
    });
    const args = JSON.stringify(calls[0]?.args);
    // Record text is plain_text on the card, its angle brackets replaced by look-alikes.
    expect(args).toContain('‹!channel› ‹https://evil.example|log in again› & *bold*');
    expect(args).not.toContain('<!channel>');
    expect(args).not.toContain('<https://evil');
  });

  it('--dry-run never touches a configured table (its fake posts would mark real alerts as posted)', async () => {
    const { code, stdout } = await run(
      ['replay', '--dry-run', '--json', join(ROOT, 'examples', 'sample-trail.json')],
      {
        env: {
          SIGNINS_TABLE: 'production-table',
          AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
          AWS_REGION: 'us-east-1',
        },
      },
    );
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toHaveLength(8);
  });

  it('without --dry-run needs a Slack token, and says so', async () => {
    const { code, stderr } = await run(['replay', join(ROOT, 'examples', 'sample-trail.json')]);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('signins: replay posts to Slack: set SLACK_BOT_TOKEN, or use --dry-run');
  });

  it('posts through SLACK_API_URL, and a second replay on the same data dir posts nothing again', async () => {
    const slack = await new FakeSlack().start();
    const dataDir = mkdtempSync(join(tmpdir(), 'signins-cli-'));
    try {
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-cli',
        SLACK_API_URL: slack.url,
        SIGNINS_DATA_DIR: dataDir,
        SIGNINS_CHANNEL: 'C0CLI',
      };
      const trail = join(ROOT, 'examples', 'sample-trail.json');
      const first = await run(['replay', trail], { env });
      expect(first.code).toBe(0);
      expect(slack.callsTo('chat.postMessage')).toHaveLength(8);
      expect(
        slack.callsTo('chat.postMessage').every((c) => c.args.channel === 'C0CLI' && c.token === 'xoxb-cli'),
      ).toBe(true);
      const second = await run(['replay', trail], { env });
      expect(second.code).toBe(0);
      expect(second.stderr).toContain('0 posted, 8 duplicate(s), 1 stored only, 0 deferred');
      expect(slack.callsTo('chat.postMessage')).toHaveLength(8);
    } finally {
      await slack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

interface RunningBot {
  readonly stderr: () => string;
  /** Waits until stderr contains `text`; fails with what it said otherwise. */
  waitFor(text: string, ms?: number): Promise<void>;
  /** SIGTERM, then the exit code, or 'hung' (after a SIGKILL) when the process ignores it. */
  stop(): Promise<number | string | null>;
}

/** `signins start` as a long-running process with its own data dir; stdin stays open, as in a terminal. */
const startBot = (args: string[], env: NodeJS.ProcessEnv): RunningBot => {
  const dataDir = mkdtempSync(join(tmpdir(), 'signins-start-'));
  const child = spawn(process.execPath, [BIN, 'start', ...args], {
    cwd: ROOT,
    env: { ...cleanEnv(), SIGNINS_DATA_DIR: dataDir, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    stderr: () => stderr,
    waitFor: async (text, ms = 15_000) => {
      const until = Date.now() + ms;
      while (!stderr.includes(text)) {
        if (Date.now() > until) throw new Error(`waited for "${text}", got: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: async () => {
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<string>((resolve) =>
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve('hung');
          }, 10_000).unref(),
        ),
      ]);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
};

describe('signins start', () => {
  it('in HTTP mode answers signed Slack requests on /slack/events, posts --events through Slack, and stops on SIGTERM', async () => {
    const slack = await new FakeSlack().start();
    const port = await freePort();
    const secret = 'cli-signing-secret';
    const bot = startBot(['--events', join(ROOT, 'examples', 'hostile-user-agent-twice.json')], {
      SLACK_BOT_TOKEN: 'xoxb-http',
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: slack.url,
      PORT: String(port),
    });
    try {
      await bot.waitFor('hostile-user-agent-twice.json)', 20_000);
      expect(bot.stderr()).toContain(`listening on http://localhost:${port}/slack/events`);
      expect(slack.callsTo('chat.postMessage')).toHaveLength(1);

      const body = JSON.stringify({ type: 'url_verification', challenge: 'cli-challenge' });
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...slackSignatureHeaders(body, secret) },
        body,
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('cli-challenge');
      const forged = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...slackSignatureHeaders(body, 'wrong') },
        body,
      });
      expect(forged.status).toBe(401);
    } finally {
      expect(await bot.stop()).toBe(0);
      await slack.stop();
    }
  });

  it('in Slack mode with nothing to replay does not wait on standard input', async () => {
    const slack = await new FakeSlack().start();
    const port = await freePort();
    const bot = startBot([], {
      SLACK_BOT_TOKEN: 'xoxb-http',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: slack.url,
      PORT: String(port),
    });
    try {
      await bot.waitFor('listening on');
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(401);
    } finally {
      expect(await bot.stop()).toBe(0);
      await slack.stop();
    }
  });

  it('in Socket Mode connects through SLACK_API_URL, acknowledges what Slack sends, and stops on SIGTERM', async () => {
    const slack = await new FakeSlack().start();
    const bot = startBot([], {
      SLACK_BOT_TOKEN: 'xoxb-socket',
      SLACK_APP_TOKEN: 'xapp-socket',
      SLACK_API_URL: slack.url,
    });
    try {
      await bot.waitFor('connected to Slack (Socket Mode)');
      expect(slack.callsTo('apps.connections.open')).toEqual([
        expect.objectContaining({ token: 'xapp-socket' }),
      ]);
      expect(slack.socketMode.connections).toBe(1);
      // Slack expects every envelope to be acknowledged by its id, whatever the app does with it.
      slack.socketMode.push({
        envelope_id: 'env-1',
        type: 'events_api',
        accepts_response_payload: false,
        payload: {
          type: 'event_callback',
          team_id: 'T0FAKE',
          api_app_id: 'A0FAKE',
          event: { type: 'app_mention', user: 'U1', text: 'hi', ts: '1.1', channel: 'C1' },
          event_id: 'Ev1',
          event_time: 1,
        },
      });
      const ackBy = Date.now() + 5_000;
      while (
        !slack.socketMode.received.some((m) => (m as { envelope_id?: string }).envelope_id === 'env-1')
      ) {
        if (Date.now() > ackBy) throw new Error('envelope not acknowledged');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      expect(await bot.stop()).toBe(0);
      await slack.stop();
    }
  });

  it('with no configuration prints the sample trail’s cards and posts nothing', async () => {
    const { code, stdout, stderr } = await run(['start']);
    expect(code).toBe(0);
    expect(stderr).toContain('dry run (no Slack credentials)');
    expect(stdout).toContain('━━ 🚨 Root user signed in without MFA · Open ━━');
    expect(stdout).toContain('User agent: ‹!channel› ‹https://evil.example|log in again› & *bold*');
    expect(stdout.match(/^→ #aws-signins$/gm)).toHaveLength(8);
  });

  it('refuses a bad setting with one clear line', async () => {
    const { code, stderr } = await run(['start'], { env: { SIGNINS_ROUTING: '{"post":["urgent"]}' } });
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/^signins: SIGNINS_ROUTING is invalid at post\.0: /);
  });
});
