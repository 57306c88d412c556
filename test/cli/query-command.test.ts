// `signins query`, run as a user runs it: sign-ins replayed into a data folder by `signins start`, then asked
// about from the terminal. The published records are years old; their times are moved into the last weeks.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudTrailHistory } from '../../bot/adapters/cloudtrail-history';
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { runQuery } from '../../bot/cli/query-command';
import { classifySignIn } from '../../bot/core/classify';
import { decodeText } from '../../bot/core/decode-input';
import type { ActivitySummary } from '../../bot/core/query';
import { loadConfig } from '../../bot/pipeline/config';
import { recordFrom } from '../helpers/fixtures';
import { runCli } from './run-cli';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const IAM_SUCCESS = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const IAM_FAILURE = 'signin/aws-docs-cloudtrail-guide/03-iam-user-failure.json';
const ROOT_NO_MFA = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';

/** A published record as `user` (an IAM user) from `ip`, `ago` ms before now, with its own event id. */
const signIn = (fixture: string, ago: number, ip: string, user?: string): Record<string, unknown> => {
  const base = recordFrom(fixture);
  const identity = base.userIdentity as Record<string, unknown>;
  return {
    ...base,
    eventID: randomUUID(),
    eventTime: new Date(Date.now() - ago).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    sourceIPAddress: ip,
    ...(user
      ? { userIdentity: { ...identity, userName: user, arn: `arn:aws:iam::111122223333:user/${user}` } }
      : {}),
  };
};

// 40 days back: the store's record begins there, so that `last 30d` is the store's to answer.
const RECORDS = [
  signIn(IAM_SUCCESS, 40 * DAY, '192.0.2.40', 'early.bird'),
  signIn(IAM_SUCCESS, 1 * HOUR, '203.0.113.7', 'alice'),
  signIn(IAM_SUCCESS, 2 * HOUR, '203.0.113.7', 'alice'),
  signIn(IAM_FAILURE, 5 * HOUR, '198.51.100.9', 'alice'),
  signIn(IAM_FAILURE, 6 * HOUR, '198.51.100.9', 'alice'),
  signIn(IAM_SUCCESS, 3 * DAY, '203.0.113.7', 'alice'),
  signIn(IAM_SUCCESS, 2 * DAY, '203.0.113.8', 'bob'),
  signIn(ROOT_NO_MFA, 10 * DAY, '192.0.2.10'),
];

let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'signins-query-'));
  const events = join(dir, 'sign-ins.json');
  writeFileSync(events, JSON.stringify({ Records: RECORDS }));
  env = { SIGNINS_DATA_DIR: join(dir, 'data') };
  // A dry run with SIGNINS_DATA_DIR set keeps what it stored.
  const replay = await runCli(['start', '--events', events], { env, timeoutMs: 30_000 });
  expect(replay.code).toBe(0);
}, 40_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const summaryOf = (stdout: string): ActivitySummary => JSON.parse(stdout) as ActivitySummary;

describe('signins query', () => {
  it('--json gives the totals of the window from the store', async () => {
    const month = await runCli(['query', 'last', '30d', '--json'], { env });
    expect(month.code).toBe(0);
    const s = summaryOf(month.stdout);
    expect(s.total).toBe(7);
    expect(s.byOutcome).toEqual({ success: 5, failure: 2, other: 0 });
    expect(s.byIdentityType).toEqual({ IAMUser: 6, Root: 1 });
    expect(s.principals.find((p) => p.key === 'alice')).toMatchObject({ signIns: 5, failures: 2 });
    expect(s.principals.map((p) => p.key)).not.toContain('early.bird');
    expect(month.stderr).toMatch(/^signins: answered from the embedded store in .+ \(\d+ item\(s\) read\)$/m);

    const day = summaryOf((await runCli(['query', 'last', '24h', '--json'], { env })).stdout);
    expect(day.total).toBe(4);
    expect(day.byOutcome).toEqual({ success: 2, failure: 2, other: 0 });
  });

  it('answers with the same words as /signins: one user’s rows, failures only, an IP range', async () => {
    const alice = await runCli(['query', 'last', '30d', 'user', 'alice'], { env });
    expect(alice.code).toBe(0);
    expect(alice.stdout).toMatch(/^Sign-ins · last 30d · user alice\n═+/);
    expect(alice.stdout).toContain('alice');
    expect(alice.stdout).not.toContain('bob');
    expect(alice.stdout).not.toContain('203.0.113.8');

    const failed = summaryOf((await runCli(['query', 'last', '7d', 'failed', '--json'], { env })).stdout);
    expect(failed.total).toBe(2);
    expect(failed.principals.map((p) => [p.key, p.failures])).toEqual([['alice', 2]]);

    const range = summaryOf(
      (await runCli(['query', 'last', '30d', 'ip', '203.0.113.0/24', '--json'], { env })).stdout,
    );
    expect(range.total).toBe(4);
    expect(new Set(range.principals.map((p) => p.key))).toEqual(new Set(['alice', 'bob']));
  });

  it('says where the local store’s record begins for an older window, and how to look further back', async () => {
    const run = await runCli(['query', 'last', '60d'], { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toMatch(
      /^signins: the embedded store in .+ has sign-ins from \d{4}-\d\d-\d\d \d\d:\d\d UTC on, after the window's start \(.+\): ask for a shorter window, or add --history to read CloudTrail event history with your AWS credentials$/,
    );
  });

  it('shows the grammar’s problem and the usage for words it cannot read', async () => {
    const bad = await runCli(['query', 'last', '24h', 'colour', 'red'], { env });
    expect(bad.code).toBe(1);
    const [first, ...rest] = bad.stderr.trim().split('\n');
    expect(first).toMatch(/^signins: .*colour/);
    expect(rest.join('\n')).toContain('signins query last 24h');
    expect(bad.stderr).not.toContain('/signins');

    const silences = await runCli(['query', 'silences'], { env });
    expect(silences.code).toBe(1);
    expect(silences.stderr).toMatch(/^signins: I don't know `silences`\.\n\nsignins query last 24h /);
  });

  it('with no words answers for the last 24 hours, as /signins query does', async () => {
    const none = await runCli(['query', '--json'], { env });
    expect(none.code).toBe(0);
    expect(summaryOf(none.stdout).total).toBe(4);
  });

  it('tells a store held by a running signins start in one line', async () => {
    // The lock file names a live process (this one), as a running `signins start` does.
    writeFileSync(join(dir, 'data', 'signins.lock'), `${process.pid}\n`);
    try {
      const run = await runCli(['query', 'last', '24h'], { env });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        `signins: ${join(dir, 'data')} is in use by a running signins start (pid ${process.pid}): stop it, or ask in Slack with /signins`,
      );
    } finally {
      rmSync(join(dir, 'data', 'signins.lock'), { force: true });
    }
  });
});

describe('signins query against a deployed table', () => {
  const awsEnv = (endpoint: string, table: string): NodeJS.ProcessEnv => ({
    SIGNINS_TABLE: table,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });

  it('names a table that does not exist in one line', async () => {
    const dynamo = await startEmbeddedDynamo();
    try {
      const run = await runCli(['query', 'last', '24h'], { env: awsEnv(dynamo.endpoint, 'no-such-table') });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        "signins: there is no table no-such-table for these AWS credentials: check SIGNINS_TABLE (the stack's TableName output), AWS_REGION and AWS_PROFILE",
      );
    } finally {
      await dynamo.close();
    }
  });

  it('reads CloudTrail event history for a window older than the table (locally with --history), with progress on stderr', async () => {
    const dynamo = await startEmbeddedDynamo();
    const cloudTrail = mockClient(CloudTrailClient);
    const out: string[] = [];
    const err: string[] = [];
    try {
      const now = new Date();
      const config = loadConfig({ SIGNINS_TABLE: dynamo.tableName, SIGNINS_HISTORY_REGIONS: 'us-east-1' });
      const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 90 });
      // The table's record begins an hour ago: a week is older than that.
      const recent = decodeText(JSON.stringify(signIn(IAM_SUCCESS, HOUR, '203.0.113.7', 'alice')));
      await store.recordSignIns(
        recent.flatMap((item) =>
          item.kind === 'signin' ? [{ ...item.signIn, severity: classifySignIn(item.signIn) }] : [],
        ),
        now,
      );
      const old = [
        signIn(IAM_SUCCESS, 3 * DAY, '203.0.113.7', 'alice'),
        signIn(IAM_FAILURE, 4 * DAY, '198.51.100.9', 'mallory'),
      ];
      cloudTrail
        .on(LookupEventsCommand)
        .resolves({ Events: old.map((r) => ({ CloudTrailEvent: JSON.stringify(r) })) });
      const ask = { words: ['last', '7d', 'user', 'alice'], json: true, history: false };
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      const parts = {
        clock: { now: () => now },
        history: () => new CloudTrailHistory(() => new CloudTrailClient({ region: 'us-east-1' })),
        open: async () => ({ store, description: 'test table', close: async () => {} }),
      };
      const code = await runQuery(ask, config, io, parts);
      expect(code).toBe(0);
      const s = summaryOf(out.join('\n'));
      expect(s).toMatchObject({ source: 'cloudtrail', total: 1 });
      expect(s.principals.map((p) => p.key)).toEqual(['alice']);
      expect(err[0]).toMatch(
        /^signins: the store's record begins \d{4}-\d\d-\d\d \d\d:\d\d UTC: looking back 7 day\(s\) in CloudTrail event history \(us-east-1\), 2 pages a second…$/,
      );
      expect(err).toContainEqual(
        expect.stringMatching(/^signins: CloudTrail us-east-1: page 1.*, 1 matching sign-in\(s\) so far$/),
      );
      expect(cloudTrail.commandCalls(LookupEventsCommand)[0]?.args[0].input).toMatchObject({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'signin.amazonaws.com' }],
      });

      // Locally the same look-back is asked for with --history; AWS refusing it is one line.
      out.length = 0;
      const local = loadConfig({ SIGNINS_HISTORY_REGIONS: 'us-east-1' });
      expect(await runQuery({ ...ask, history: true }, local, io, parts)).toBe(0);
      expect(summaryOf(out.join('\n'))).toMatchObject({ source: 'cloudtrail', total: 1 });
      cloudTrail.on(LookupEventsCommand).rejects(
        Object.assign(new Error('User: arn:aws:iam::111122223333:user/x is not authorized'), {
          name: 'AccessDeniedException',
        }),
      );
      await expect(runQuery({ ...ask, history: true }, local, io, parts)).rejects.toMatchObject({
        name: 'CliError',
        message:
          'the look-back in CloudTrail failed: CloudTrail LookupEvents failed in us-east-1 on page 1: AccessDeniedException: User: arn:aws:iam::111122223333:user/x is not authorized',
      });
    } finally {
      cloudTrail.restore();
      await dynamo.close();
    }
  });
});

describe('signins query: where people signed in from, on the bundled geo data', () => {
  const HOME = ['133.11.0.1', '133.11.0.1', '8.8.8.8', '10.0.0.5'];
  const ask = (words: string[], geo?: () => null) => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, words, geo };
  };

  it('--json gives each person’s countries and networks, and `country` / `asn` keep the sign-ins from there', async () => {
    const dynamo = await startEmbeddedDynamo();
    try {
      const now = new Date();
      const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 90 });
      const records = [
        ...HOME.map((ip, i) => signIn(IAM_SUCCESS, (i + 1) * HOUR, ip, 'carol')),
        signIn(IAM_FAILURE, 3 * HOUR, '2a01:4f8::1', 'dave'),
        signIn(IAM_SUCCESS, 2 * DAY, '133.11.0.1', 'erin'),
      ];
      await store.recordSignIns(
        records.flatMap((r) =>
          decodeText(JSON.stringify(r)).flatMap((item) =>
            item.kind === 'signin' ? [{ ...item.signIn, severity: classifySignIn(item.signIn) }] : [],
          ),
        ),
        now,
      );
      const config = loadConfig({ SIGNINS_TABLE: dynamo.tableName });
      const run = async (q: ReturnType<typeof ask>, json = true) =>
        runQuery({ words: q.words, json, history: false }, config, q.io, {
          clock: { now: () => now },
          history: () => {
            throw new Error('no look-back expected');
          },
          open: async () => ({ store, description: 'test table', close: async () => {} }),
          ...(q.geo ? { geo: q.geo } : {}),
        });

      const carol = ask(['last', '24h', 'user', 'carol']);
      expect(await run(carol)).toBe(0);
      const [person] = summaryOf(carol.out.join('\n')).principals;
      expect(person).toMatchObject({
        key: 'carol',
        countries: [
          { country: 'JP', label: null, count: 2 },
          { country: 'US', label: null, count: 1 },
          { country: null, label: 'private address', count: 1 },
        ],
        distinctCountries: 3,
        networks: [
          { asn: 2501, name: 'The University of Tokyo', count: 2 },
          { asn: 15169, name: 'Google LLC', count: 1 },
        ],
      });

      const japan = ask(['last', '24h', 'country', 'jp']);
      expect(await run(japan)).toBe(0);
      const inJapan = summaryOf(japan.out.join('\n'));
      // erin's sign-in from Japan is two days old: outside the window.
      expect(inJapan).toMatchObject({ source: 'records', total: 2 });
      expect(inJapan.principals.map((p) => [p.key, p.countries])).toEqual([
        ['carol', [{ country: 'JP', label: null, count: 2 }]],
      ]);

      const hetzner = ask(['last', '24h', 'asn', 'AS24940', 'country', 'Germany']);
      expect(await run(hetzner)).toBe(0);
      expect(summaryOf(hetzner.out.join('\n')).principals.map((p) => [p.key, p.networks])).toEqual([
        ['dave', [{ asn: 24940, name: 'Hetzner Online GmbH', count: 1 }]],
      ]);

      const text = ask(['last', '24h', 'user', 'carol']);
      expect(await run(text, false)).toBe(0);
      expect(text.out.join('\n')).toContain(
        'Where from\n• carol — 🇯🇵 Japan ×2 · 🇺🇸 United States ×1 · private address ×1 — networks AS2501 The University of Tokyo ×2 · AS15169 Google LLC ×1',
      );

      // Without geo data a country cannot be answered: one line, not an empty answer.
      const blind = ask(['last', '24h', 'country', 'jp'], () => null);
      await expect(run(blind)).rejects.toMatchObject({
        name: 'CliError',
        message: expect.stringMatching(/geo data is not available.*`country` and `asn`/),
      });
      expect(blind.out).toEqual([]);
    } finally {
      await dynamo.close();
    }
  });
});
