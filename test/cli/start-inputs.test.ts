// What `signins start` and `replay` do with the user's records: their records alone, exit 2 on a rejection,
// nothing from a record driving the terminal, a hint to invite the bot, and cards left pending posted later.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { FakeSlack } from '../helpers/fake-slack';
import { BIN, cleanEnv, freePort, lines, ROOT, runCli } from './run-cli';

const HOSTILE_FILE = join(ROOT, 'examples', 'hostile-user-agent-twice.json');
const ESCAPES = '\u001b]8;;http://evil\u0007click here\u001b]8;;\u0007 \u202egnp.exe \u009b2J';

describe('signins start with the user’s own records', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'signins-inputs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--events in a dry run shows those records only, not the sample trail', async () => {
    const run = await runCli(['start', '--events', HOSTILE_FILE]);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^→ /gm)).toHaveLength(1);
    expect(run.stdout).toContain('mallory');
    expect(run.stderr).not.toContain('sample-trail');
  });

  it('exits 2 when an input was rejected, after showing the rest', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"Records": [');
    const run = await runCli(['start', '--events', HOSTILE_FILE, '--events', bad]);
    expect(run.code).toBe(2);
    expect(run.stdout.match(/^→ /gm)).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^signins: ${bad}( \\([^)]*\\))?: invalid JSON`, 'm'));
  });

  it('never lets terminal escapes or bidi overrides from a user agent reach the terminal raw, in cards or parse output', async () => {
    const trail = JSON.parse(readFileSync(HOSTILE_FILE, 'utf8')) as { Records: Record<string, unknown>[] };
    const record = { ...trail.Records[0], userAgent: ESCAPES, eventID: 'escapes-1' };
    const file = join(dir, 'escapes.json');
    writeFileSync(file, JSON.stringify({ Records: [record] }));

    const start = await runCli(['start', '--events', file]);
    expect(start.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters left raw.
    const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    expect(start.stdout).not.toMatch(raw);
    // The card neutralises them itself; what reaches the terminal is printable either way.
    expect(start.stdout).toMatch(/User agent: .*http:\/\/evil.*click here.*gnp\.exe/);

    const parse = await runCli(['parse', file]);
    expect(parse.code).toBe(0);
    expect(parse.stdout).not.toMatch(raw);
    expect(JSON.parse(parse.stdout)).toMatchObject({ userAgent: ESCAPES });
  });
});

describe('Slack answers the user can fix', () => {
  it('not_in_channel and channel_not_found tell the user to invite the bot, once per channel', async () => {
    const slack = await new FakeSlack().start();
    const dataDir = mkdtempSync(join(tmpdir(), 'signins-invite-'));
    try {
      slack.failNext('chat.postMessage', { slackError: 'not_in_channel' });
      const run = await runCli(['replay', HOSTILE_FILE], {
        env: {
          SLACK_BOT_TOKEN: 'xoxb-t',
          SLACK_API_URL: slack.url,
          SIGNINS_CHANNEL: 'C0NOTIN',
          SIGNINS_DATA_DIR: dataDir,
        },
      });
      expect(run.code).toBe(1);
      expect(lines(run.stderr).filter((l) => l.startsWith('signins: cannot post to'))).toEqual([
        'signins: cannot post to C0NOTIN: the bot is not in the channel: invite it with /invite @signins in that channel',
      ]);

      slack.failNext('chat.postMessage', { slackError: 'channel_not_found' });
      const missing = await runCli(['replay', join(ROOT, 'examples', 'sample-trail.json')], {
        env: {
          SLACK_BOT_TOKEN: 'xoxb-t',
          SLACK_API_URL: slack.url,
          SIGNINS_CHANNEL: 'C0GONE',
          SIGNINS_DATA_DIR: dataDir,
        },
      });
      expect(lines(missing.stderr).filter((l) => l.startsWith('signins: cannot post to'))).toEqual([
        'signins: cannot post to C0GONE: the channel does not exist or the bot cannot see it: check the channel ID and invite the bot (/invite @signins)',
      ]);
    } finally {
      await slack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the local sweeper', () => {
  it('posts a card left pending in the data folder when start comes up, and not in a dry run', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'signins-sweep-'));
    const slack = await new FakeSlack().start();
    // Whatever fails below, nothing is left running to keep jest from exiting.
    const cleanup = async () => {
      await slack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
    // A card a previous run could not post (Slack down): pending and due.
    const embedded = await startEmbeddedDynamo({ dataDir }).catch(async (err: unknown) => {
      await cleanup();
      throw err;
    });
    const store = new DynamoSignInStore(embedded.client, {
      tableName: embedded.tableName,
      retentionDays: 90,
    });
    await store
      .createAlert(
        {
          alertId: 'signin:left-pending',
          kind: 'signin',
          subjectId: 'left-pending',
          severity: 'critical',
          channel: 'C0SWEEP',
          message: { text: 'root signed in (left pending)', blocks: [] },
        },
        new Date(),
      )
      .finally(() => embedded.close())
      .catch(async (err: unknown) => {
        await cleanup();
        throw err;
      });

    const dry = await runCli(['start'], { env: { SIGNINS_DATA_DIR: dataDir, SLACK_API_URL: slack.url } });
    if (dry.code !== 0) await cleanup();
    expect(dry.code).toBe(0);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);

    const child = spawn(process.execPath, [BIN, 'start'], {
      cwd: ROOT,
      env: {
        ...cleanEnv(),
        SLACK_BOT_TOKEN: 'xoxb-sweep',
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: slack.url,
        SIGNINS_DATA_DIR: dataDir,
        PORT: String(await freePort()),
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const until = Date.now() + 15_000;
      while (!stderr.includes('signins: sweeper:')) {
        if (Date.now() > until) throw new Error(`no sweep: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(stderr).toContain('signins: sweeper: 1 pending card(s) posted');
      expect(slack.callsTo('chat.postMessage')).toEqual([
        expect.objectContaining({
          args: expect.objectContaining({ channel: 'C0SWEEP', text: 'root signed in (left pending)' }),
        }),
      ]);
    } finally {
      child.kill('SIGTERM');
      const code = await exited;
      await cleanup();
      expect(code).toBe(0);
    }
  });
});
