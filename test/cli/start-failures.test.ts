// `signins start` as a new user meets it: every mistake is one line saying what to do, a non-zero exit, and
// no process left hanging on the embedded store, the port or the data-folder lock.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE } from '../../bot/adapters/data-dir-lock';
import { FakeSlack } from '../helpers/fake-slack';
import { BIN, cleanEnv, freePort, ROOT, runCli } from './run-cli';

describe('signins start fails clearly and exits', () => {
  let slack: FakeSlack;
  let dataDir: string;
  beforeEach(async () => {
    slack = await new FakeSlack().start();
    dataDir = mkdtempSync(join(tmpdir(), 'signins-fail-'));
  });
  afterEach(async () => {
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const httpEnv = (port: number) => ({
    SLACK_BOT_TOKEN: 'xoxb-wrong',
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: slack.url,
    SIGNINS_DATA_DIR: dataDir,
    PORT: String(port),
  });

  it('a token Slack refuses (invalid_auth) is one line naming the variable and where to get a good one', async () => {
    slack.failNext('auth.test', { slackError: 'invalid_auth' });
    const run = await runCli(['start'], { env: httpEnv(await freePort()) });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "signins: Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the token again from your Slack app's settings (OAuth & Permissions, xoxb-…)\n",
    );
    // The store was closed and the lock released on the way out.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('a port already in use is one line naming the port and PORT', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, resolve));
    try {
      const run = await runCli(['start'], { env: { ...httpEnv(port), SLACK_BOT_TOKEN: 'xoxb-good' } });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `signins: port ${port} is in use: stop what listens there, or set PORT to a free port\n`,
      );
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('a --watch folder that does not exist, or is a file, is one line, before anything is opened', async () => {
    const missing = join(dataDir, 'trail-files');
    const run = await runCli(['start', '--watch', missing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `signins: --watch ${missing}: no such folder (create it, or give the folder your trail files are synced to)\n`,
    );
    const file = join(dataDir, 'one.json');
    writeFileSync(file, '{}');
    const notFolder = await runCli(['start', '--watch', file]);
    expect(notFolder.code).toBe(1);
    expect(notFolder.stderr).toBe(
      `signins: --watch ${file}: is a file, not a folder (to read one file once, use --events ${file})\n`,
    );
  });

  it('a --log-group it cannot read (no AWS credentials) ends with one line, not a message every few seconds', async () => {
    const run = await runCli(['start', '--log-group', 'aws-cloudtrail-logs-123', '--poll-seconds', '1'], {
      env: {
        AWS_REGION: 'eu-west-1',
        AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'none'),
        AWS_CONFIG_FILE: join(dataDir, 'none'),
      },
      timeoutMs: 20_000,
    });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^signins: cannot tail log group aws-cloudtrail-logs-123: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(lines.filter((l) => l.includes('log group')).length).toBe(1);
  });

  it('a second start on the same data folder is one line naming the first one’s pid', async () => {
    const first = spawn(process.execPath, [BIN, 'start'], {
      cwd: ROOT,
      env: { ...cleanEnv(), ...httpEnv(await freePort()), SLACK_BOT_TOKEN: 'xoxb-good' },
    });
    let firstErr = '';
    first.stderr.on('data', (d) => {
      firstErr += d;
    });
    const firstExit = new Promise<number | null>((resolve) => first.on('close', resolve));
    try {
      const until = Date.now() + 15_000;
      while (!firstErr.includes('listening on')) {
        if (Date.now() > until) throw new Error(`first start did not come up: ${firstErr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const second = await runCli(['start'], {
        env: { ...httpEnv(await freePort()), SLACK_BOT_TOKEN: 'xoxb-good' },
      });
      expect(second.code).toBe(1);
      expect(second.stderr).toBe(
        `signins: ${dataDir} is in use by another signins (pid ${first.pid}): stop it first, or give this one its own SIGNINS_DATA_DIR\n`,
      );
    } finally {
      first.kill('SIGTERM');
      expect(await firstExit).toBe(0);
    }
    // The first one released its lock when it stopped.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock left by a start that was killed', async () => {
    writeFileSync(join(dataDir, LOCK_FILE), '999999999\n');
    const run = await runCli(['start', '--events', join(ROOT, 'examples', 'sample-trail.json')], {
      env: { SIGNINS_DATA_DIR: dataDir },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('signins: done.');
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});
