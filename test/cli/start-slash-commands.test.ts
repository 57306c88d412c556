// `/signins` through `signins start` in HTTP mode, as a user runs it locally: signed slash commands on POST
// /slack/events (the real Bolt HTTP receiver) answer from the embedded store; a silence holds back the next
// matching sign-in that arrives in the watched folder (stored and counted, not posted); unsilence ends it.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../helpers/fake-slack';
import { recordFrom } from '../helpers/fixtures';
import { slackSignatureHeaders } from '../helpers/slack-signature';
import { BIN, cleanEnv, freePort, ROOT, until } from './run-cli';

const SECRET = 'start-slash-secret';
const CHANNEL = 'C0LOCAL';
const ANAYA = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const ANAYA_FAILED = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';

/** Asks again until the answer satisfies `ok`: the watched folder is read on its own schedule. */
const eventually = async (
  what: string,
  get: () => Promise<string>,
  ok: (answer: string) => boolean,
  ms = 15_000,
): Promise<string> => {
  const end = Date.now() + ms;
  for (;;) {
    const answer = await get();
    if (ok(answer)) return answer;
    if (Date.now() > end) throw new Error(`waited for ${what}; last answer: ${answer.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('signins start (HTTP mode) and /signins', () => {
  it('answers queries, sets a silence that holds back the next matching sign-in, lists it and ends it', async () => {
    const slack = await new FakeSlack().start();
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'signins-slash-'));
    const watched = join(dir, 'trail');
    mkdirSync(watched);
    const events = join(dir, 'sign-ins.json');
    writeFileSync(
      events,
      JSON.stringify({
        Records: [
          // The store's history begins two days ago: `last 24h` is answered from it.
          recordFrom(ANAYA, { eventID: 'sl-old', eventTime: minutesAgo(2 * 24 * 60) }),
          recordFrom(ANAYA, { eventID: 'sl-1', eventTime: minutesAgo(90) }),
          recordFrom(ANAYA_FAILED, { eventID: 'sl-2', eventTime: minutesAgo(45) }),
        ],
      }),
    );
    const child = spawn(process.execPath, [BIN, 'start', '--events', events, '--watch', watched], {
      cwd: ROOT,
      env: {
        ...cleanEnv(),
        SIGNINS_DATA_DIR: join(dir, 'data'),
        SLACK_BOT_TOKEN: 'xoxb-slash',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.url,
        SIGNINS_CHANNEL: CHANNEL,
        PORT: String(port),
        SIGNINS_RESPONDERS: 'U0ALICE',
        SIGNINS_AUTO_ASK: 'off',
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    let n = 0;
    const slash = async (text: string, user = 'U0ALICE') => {
      n += 1;
      const body = new URLSearchParams({
        token: 'legacy',
        team_id: 'T0FAKE',
        channel_id: CHANNEL,
        user_id: user,
        command: '/signins',
        text,
        api_app_id: 'A0SIGNINS',
        response_url: `${slack.url}response/${n}`,
        trigger_id: `t-${n}`,
      }).toString();
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...slackSignatureHeaders(body, SECRET),
        },
        body,
      });
      const raw = await res.text();
      return { status: res.status, ms: Date.now() - started, all: raw };
    };
    const posted = () => (slack.messages.get(CHANNEL) ?? []).length;

    try {
      await until('the listener', () => stderr.includes('listening on'), 15_000);
      await until('the first cards', () => posted() >= 3, 15_000);

      const answer = await slash('last 24h');
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(3000);
      expect(answer.all).toMatch(/2 sign-ins/);
      expect(answer.all).toContain('anaya');
      expect((await slash('last 24h failed')).all).toMatch(/1 sign-in\b/);
      expect((await slash('last fortnight')).all).toContain('fortnight');

      const made = await slash('silence user anaya type nonroot for 1h because new laptop setup');
      const id = /s-[0-9a-f]{6}/.exec(made.all)?.[0];
      expect(id).toBeDefined();
      await until(
        'the silence announced',
        () => (slack.messages.get(CHANNEL) ?? []).some((m) => String(m.text).includes('new laptop setup')),
        15_000,
      );

      // The next matching sign-in arrives: stored and counted, not posted.
      const before = posted();
      writeFileSync(
        join(watched, 'next.json'),
        JSON.stringify({
          Records: [
            recordFrom(ANAYA, {
              eventID: 'sl-held',
              eventTime: minutesAgo(-0.05),
            }) /* just after the silence began: a silence holds back what happens while it is in force */,
          ],
        }),
      );
      const counted = await eventually(
        'the held-back count',
        async () => (await slash('last 24h')).all,
        (t) => /1 held back/.test(t),
      );
      expect(posted()).toBe(before);
      expect(counted).toMatch(/3 sign-ins/);

      const list = await slash('silences');
      expect(list.all).toContain(String(id));
      const ended = await slash(`unsilence ${id}`);
      expect(ended.all).toContain(String(id));
      expect((await slash(`unsilence ${id}`)).all).toMatch(/already ended/);
    } finally {
      child.kill('SIGTERM');
      try {
        expect({ code: await exited, stderr: stderr.split('\n').slice(-5) }).toMatchObject({ code: 0 });
      } finally {
        await slack.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 60_000);
});
