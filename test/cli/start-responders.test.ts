// A card's whole life through `signins start` in HTTP mode, as a user runs it: the bot posts two cards to the
// fake Slack, asks their subjects by DM, and signed requests on POST /slack/events (the real Bolt HTTP
// receiver) confirm, deny, escalate and acknowledge them; each step shows on the card and in its thread.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_IDS, DENY_MODAL } from '../../bot/core/render/response-card';
import { FakeSlack } from '../helpers/fake-slack';
import { recordFrom } from '../helpers/fixtures';
import { slackSignatureHeaders } from '../helpers/slack-signature';
import { BIN, cleanEnv, freePort, ROOT, until } from './run-cli';

const SECRET = 'start-responders-secret';
const CHANNEL = 'C0LOCAL';

describe('signins start (HTTP mode) and a card’s life', () => {
  it('posts, asks, and is confirmed, denied, escalated and acknowledged through signed requests', async () => {
    const slack = await new FakeSlack().start();
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'signins-life-'));
    const events = join(dir, 'two-sign-ins.json');
    writeFileSync(
      events,
      JSON.stringify({
        Records: [
          recordFrom('signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json', {
            eventID: 'life-anaya',
          }),
          recordFrom('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json', {
            eventID: 'life-root',
          }),
        ],
      }),
    );
    const child = spawn(process.execPath, [BIN, 'start', '--events', events], {
      cwd: ROOT,
      env: {
        ...cleanEnv(),
        SIGNINS_DATA_DIR: join(dir, 'data'),
        SLACK_BOT_TOKEN: 'xoxb-life',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.url,
        SIGNINS_CHANNEL: CHANNEL,
        PORT: String(port),
        SIGNINS_RESPONDERS: 'U0ALICE,U0BOB',
        SIGNINS_ONCALL: 'U0ONCALL',
        SIGNINS_IDENTITY_MAP: JSON.stringify({ iamUsers: { anaya: 'U0ANAYA' }, root: 'U0OWNER' }),
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    let n = 0;
    const send = async (payload: Record<string, unknown>) => {
      const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...slackSignatureHeaders(body, SECRET),
        },
        body,
      });
      return { status: res.status, ms: Date.now() - started };
    };
    const click = (actionId: string, alertId: string, user: string, channel = CHANNEL) => {
      n += 1;
      return send({
        type: 'block_actions',
        user: { id: user },
        team: { id: 'T0FAKE' },
        api_app_id: 'A0SIGNINS',
        token: 'legacy',
        trigger_id: `t-${n}`,
        container: { type: 'message', channel_id: channel },
        channel: { id: channel },
        actions: [
          { type: 'button', action_id: actionId, value: alertId, action_ts: `${1_800_000_000 + n}.000001` },
        ],
      });
    };
    const cardOf = (eventId: string) => {
      const m = slack.messages.get(CHANNEL)?.find((x) => JSON.stringify(x.metadata).includes(eventId));
      return {
        ts: String(m?.ts),
        alertId: `signin:${eventId}`,
        text: () => JSON.stringify(slack.message(CHANNEL, String(m?.ts))?.blocks),
      };
    };
    const thread = (ts: string) => slack.thread(CHANNEL, ts).map((m) => String(m.text));

    try {
      await until(
        'both cards asked',
        () =>
          (slack.messages.get('DU0ANAYA')?.length ?? 0) === 1 &&
          (slack.messages.get('DU0OWNER')?.length ?? 0) === 1,
        20_000,
      );
      const anaya = cardOf('life-anaya');
      const root = cardOf('life-root');
      await until(
        'cards redrawn as asked',
        () => anaya.text().includes('Asked <@U0ANAYA>') && root.text().includes('Asked <@U0OWNER>'),
      );

      // Root: the owner confirms; a critical alert still waits for a responder.
      const first = await click(ACTION_IDS.yes, root.alertId, 'U0OWNER', 'DU0OWNER');
      expect(first.status).toBe(200);
      expect(first.ms).toBeLessThan(3000);
      await until('root confirmed', () => root.text().includes('a responder must still acknowledge it'));
      // Alice escalates (one page, on-call in the thread), Bob acknowledges: resolved, no buttons left.
      expect((await click(ACTION_IDS.escalate, root.alertId, 'U0ALICE')).status).toBe(200);
      await until('escalation paged', () =>
        thread(root.ts).some((l) => l.startsWith('📟 Paged') && l.includes('<@U0ONCALL>')),
      );
      expect(stderr).toContain('signins: signin:life-root: ESCALATED (escalated by @U0ALICE)');
      const warm = await click(ACTION_IDS.acknowledge, root.alertId, 'U0BOB');
      expect(warm.ms).toBeLessThan(3000);
      await until('root resolved', () => root.text().includes('Resolved'));
      expect(root.text()).not.toContain('"type":"actions"');
      // The thread line follows the redraw.
      await until('the resolved line', () => thread(root.ts).some((l) => l.includes('it is resolved')));
      expect(thread(root.ts)).toEqual(
        expect.arrayContaining([
          '🙋 Asked <@U0OWNER> whether this was them.',
          '👍 <@U0OWNER> confirmed this was them. A responder must still acknowledge it.',
          '📣 <@U0ALICE> escalated this alert: escalated by <@U0ALICE>.',
          '☑️ <@U0BOB> acknowledged this alert, which <@U0OWNER> had confirmed: it is resolved.',
        ]),
      );

      // Anaya: "No" opens the modal; its submission turns the card red and pages.
      expect((await click(ACTION_IDS.no, anaya.alertId, 'U0ANAYA', 'DU0ANAYA')).status).toBe(200);
      // In HTTP mode Slack gets its answer at once; the modal opens right after.
      await until('the modal opened', () => slack.callsTo('views.open').length === 1);
      const denied = await send({
        type: 'view_submission',
        user: { id: 'U0ANAYA' },
        team: { id: 'T0FAKE' },
        api_app_id: 'A0SIGNINS',
        token: 'legacy',
        view: {
          id: 'V0LIFE',
          callback_id: DENY_MODAL,
          private_metadata: anaya.alertId,
          state: { values: { note: { note: { type: 'plain_text_input', value: 'not me' } } } },
        },
      });
      expect(denied.status).toBe(200);
      await until(
        'anaya denied and paged',
        () => anaya.text().includes("says this wasn't them") && anaya.text().includes(' · paged'),
      );
      expect(stderr).toContain("signins: signin:life-anaya: ESCALATED (@U0ANAYA says it wasn't them)");
    } finally {
      child.kill('SIGTERM');
      try {
        // Stopped cleanly, or what it said if not.
        expect({ code: await exited, stderr: stderr.split('\n').slice(-5) }).toMatchObject({ code: 0 });
      } finally {
        await slack.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 60_000);
});
