// `signins silence`, `signins silences` and `signins unsilence`, run as a user runs them, on the store a
// `signins start` keeps: a silence holds back a matching sign-in (stored and counted, not shown), and ends.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchAlarmActions } from '../../bot/adapters/cloudwatch-alarm-actions';
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { createJsonLogger } from '../../bot/adapters/json-logger';
import { ReportingNotifier } from '../../bot/adapters/slack-notifier';
import { defaultSilenceParts, runSilence, runSilences, runUnsilence } from '../../bot/cli/silence-command';
import type { ActivitySummary } from '../../bot/core/query';
import type { Silence } from '../../bot/core/silence-types';
import { loadConfig } from '../../bot/pipeline/config';
import { deployedAlarmName } from '../../bot/pipeline/silence-wiring';
import { Silences } from '../../bot/pipeline/silences';
import { systemClock } from '../../bot/ports';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { FakeSlack } from '../helpers/fake-slack';
import { recordFrom } from '../helpers/fixtures';
import { runCli } from './run-cli';

const AUTHOR = `cli:${userInfo().username}`;

/** Anaya's published sign-in as `user`, by default now (a silence holds back what happens while in force). */
const signInOf = (user: string, at = new Date()): Record<string, unknown> => {
  const base = recordFrom('signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json');
  return {
    ...base,
    eventID: randomUUID(),
    eventTime: at.toISOString(),
    userIdentity: {
      ...(base.userIdentity as Record<string, unknown>),
      userName: user,
      arn: `arn:aws:iam::111122223333:user/${user}`,
    },
  };
};

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'signins-silence-'));
  env = { SIGNINS_DATA_DIR: join(dir, 'data') };
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Replays sign-ins through `signins start` (a dry run that keeps its store): what it printed. */
const replay = async (...records: Record<string, unknown>[]): Promise<string> => {
  const file = join(dir, `${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify({ Records: records }));
  const run = await runCli(['start', '--events', file], { env, timeoutMs: 30_000 });
  expect(run.code).toBe(0);
  return run.stdout;
};

const silences = async (): Promise<Silence[]> => {
  const run = await runCli(['silences', '--json'], { env });
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Silence[];
};

const idIn = (stderr: string): string => {
  const id = /silence (s-[0-9a-f]{6}) is set/.exec(stderr)?.[1];
  if (!id) throw new Error(`no silence id in: ${stderr}`);
  return id;
};

describe('signins silence, silences, unsilence', () => {
  it('holds back a matching sign-in (stored and counted, not shown) until unsilence ends it', async () => {
    // The store's record begins two days back, so that the last 24 hours are its to answer.
    await replay(signInOf('carol', new Date(Date.now() - 2 * 86_400_000)));
    const made = await runCli(
      ['silence', 'user', 'alice', 'type', 'nonroot', 'for', '4h', 'because', 'pen test, ticket SEC-12'],
      { env },
    );
    expect(made.code).toBe(0);
    const id = idIn(made.stderr);
    expect(made.stderr.trim()).toBe(
      `signins: silence ${id} is set, not announced in Slack (no SLACK_BOT_TOKEN); signins unsilence ${id} ends it early`,
    );
    expect(made.stdout).toContain(id);
    expect(made.stdout).toContain('user alice · not root');
    expect(made.stdout).toContain('pen test, ticket SEC-12');

    expect(await silences()).toEqual([
      expect.objectContaining({
        id,
        matchers: [
          { field: 'principal', value: 'alice' },
          { field: 'identityType', value: '!Root' },
        ],
        author: AUTHOR,
        reason: 'pen test, ticket SEC-12',
        channel: null,
        held: 0,
      }),
    ]);

    const shown = await replay(signInOf('alice'), signInOf('bob'));
    expect(shown).toContain('bob');
    expect(shown).not.toMatch(/alice signed in/);

    const day = await runCli(['query', 'last', '24h', '--json'], { env });
    expect(day.code).toBe(0);
    const summary = JSON.parse(day.stdout) as ActivitySummary;
    expect(summary.total).toBe(2);
    expect(summary.silenced).toBe(1);
    expect((await silences())[0]).toMatchObject({ id, held: 1 });

    const ended = await runCli(['unsilence', id], { env });
    expect(ended.code).toBe(0);
    expect(ended.stderr.trim()).toBe(
      `signins: silence ${id} has ended (it held back 1 sign-in(s)), not announced in Slack (no SLACK_BOT_TOKEN); matching sign-ins are posted again`,
    );
    expect((await silences())[0]).toMatchObject({ id, cancelled: { by: AUTHOR } });
    expect(await replay(signInOf('alice'))).toMatch(/alice signed in/);
  }, 90_000);

  it('says each mistake in one line and exits 1', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['silence', 'ip', '203.0.113.0/24', 'for', '4h', 'because', 'office move'],
        /^signins: This silence could hold back root sign-ins: add `type nonroot` to leave root out, or `root` to mean it\.$/,
      ],
      [
        ['silence', 'user', 'alice', 'type', 'nonroot', 'for', '30d', 'because', 'long'],
        /^signins: Make the silence shorter: it may last at most 7 days\.$/,
      ],
      [['unsilence', 's-000000'], /^signins: There is no silence s-000000: .*$/],
    ];
    for (const [args, line] of cases) {
      const run = await runCli(args, { env });
      expect({ args, code: run.code, stderr: run.stderr.trim() }).toEqual({
        args,
        code: 1,
        stderr: expect.stringMatching(line),
      });
    }
    // Words the grammar cannot read: its problem, then the usage in the terminal's words.
    for (const args of [['silence', 'user', 'alice', 'for', '4h'], ['unsilence']]) {
      const run = await runCli(args, { env });
      expect(run.code).toBe(1);
      const [first, blank, usage] = run.stderr.split('\n');
      expect(first).toMatch(/^signins: \S/);
      expect(blank).toBe('');
      expect(usage).toMatch(/^signins query last 24h /);
      expect(run.stderr).not.toContain('/signins');
    }
    expect(await silences()).toEqual([]);
  }, 60_000);

  it('tells a store held by a running signins start in one line', async () => {
    await replay(signInOf('bob'));
    // The lock file names a live process (this one), as a running `signins start` does.
    writeFileSync(join(dir, 'data', 'signins.lock'), `${process.pid}\n`);
    for (const args of [
      ['silences'],
      ['silence', 'root', 'for', '1h', 'because', 'drill'],
      ['unsilence', 's-000001'],
    ]) {
      const run = await runCli(args, { env });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        `signins: ${join(dir, 'data')} is in use by a running signins start (pid ${process.pid}): stop it, or ask in Slack with /signins`,
      );
    }
  }, 60_000);

  it('announces a silence and its early end in the channel when a bot token is set, escaping the reason', async () => {
    const slack = await new FakeSlack().start();
    try {
      const withSlack = {
        ...env,
        SLACK_BOT_TOKEN: 'xoxb-cli',
        SLACK_API_URL: slack.url,
        SIGNINS_CHANNEL: 'C0SIGNINS',
      };
      const made = await runCli(
        ['silence', 'user', 'alice', 'type', 'nonroot', 'for', '1h', 'because', '<!channel> pen test'],
        { env: withSlack },
      );
      expect(made.code).toBe(0);
      const id = idIn(made.stderr);
      expect(made.stderr).toContain(`silence ${id} is set, announced in C0SIGNINS;`);
      const ended = await runCli(['unsilence', id], { env: withSlack });
      expect(ended.code).toBe(0);
      expect(ended.stderr).toContain('announced in C0SIGNINS;');

      const posts = slack.callsTo('chat.postMessage').map((c) => c.args);
      expect(posts).toHaveLength(2);
      for (const post of posts) expect(post.channel).toBe('C0SIGNINS');
      const [created, cancelled] = posts.map((p) => JSON.stringify(p));
      expect(created).toContain(`${userInfo().username} (terminal) silenced user alice · not root`);
      expect(created).toContain('&lt;!channel&gt; pen test');
      expect(created).not.toContain('<!channel>');
      expect(cancelled).toContain(`ended silence \`${id}\``);
      expect((await silences())[0]).toMatchObject({
        id,
        channel: 'C0SIGNINS',
        endAnnouncedAt: expect.any(String),
      });
    } finally {
      await slack.stop();
    }
  }, 60_000);
});

describe('signins silence against a deployed table', () => {
  it('names the alarms it covers, which the stack’s sweeper switches off while it lasts and on when it ends', async () => {
    const dynamo = await startEmbeddedDynamo();
    const cloudWatch = mockClient(CloudWatchClient);
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    try {
      const config = loadConfig({ SIGNINS_TABLE: dynamo.tableName, SIGNINS_ALARM_PREFIX: 'prod' });
      const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 90 });
      const parts = {
        ...defaultSilenceParts,
        user: () => 'dana',
        open: async () => ({
          store,
          description: `DynamoDB table ${dynamo.tableName}`,
          close: async () => {},
        }),
      };
      const rootAlarms = SIGNIN_ALARMS.filter((a) => a.scope === 'root').map((a) => `prod-${a.name}`);
      // The deployed sweeper, as lambda-runtime.ts makes it: the one place that switches alarm actions.
      const sweeper = new Silences({
        store,
        notifier: new ReportingNotifier(() => {}),
        clock: systemClock,
        logger: createJsonLogger({ level: 'silent' }),
        identityMap: config.responders.identityMap,
        maxSilenceMs: config.maxSilenceDays * 86_400_000,
        alarmActions: new CloudWatchAlarmActions(new CloudWatchClient({ region: 'us-east-1' }), {
          alarmNames: config.signInAlarms,
        }),
        alarmName: deployedAlarmName(config.signInAlarms),
        defaultChannel: null,
      });
      cloudWatch
        .on(DescribeAlarmsCommand)
        .resolvesOnce({ MetricAlarms: [] })
        .resolves({ MetricAlarms: rootAlarms.map((AlarmName) => ({ AlarmName, ActionsEnabled: false })) });

      expect(await runSilence(['root', 'for', '1h', 'because', 'break-glass drill'], config, io, parts)).toBe(
        0,
      );
      expect(err).toContain(
        `signins: the actions (mail, SMS) of ${rootAlarms.join(', ')} go off within a minute (the stack's sweeper switches them) and back on when the silence ends`,
      );
      // The terminal never switches them itself.
      expect(cloudWatch.commandCalls(DisableAlarmActionsCommand)).toHaveLength(0);
      await sweeper.sweep();
      expect(cloudWatch.commandCalls(DisableAlarmActionsCommand).map((c) => c.args[0].input)).toEqual([
        { AlarmNames: rootAlarms },
      ]);

      expect(await runUnsilence([idIn(err.join('\n'))], config, io, parts)).toBe(0);
      await sweeper.sweep();
      expect(cloudWatch.commandCalls(EnableAlarmActionsCommand).map((c) => c.args[0].input)).toEqual([
        { AlarmNames: rootAlarms },
      ]);
      out.length = 0;
      expect(await runSilences(true, config, io, parts)).toBe(0);
      expect(JSON.parse(out.join('\n'))).toEqual([
        expect.objectContaining({
          author: 'cli:dana',
          alarms: rootAlarms,
          alarmsDisabledAt: expect.any(String),
          alarmsEnabledAt: expect.any(String),
        }),
      ]);
    } finally {
      cloudWatch.restore();
      await dynamo.close();
    }
  });
});
