// The local inputs of `signins start`: a watched folder (real files) and a tailed log group (SDK mock:
// CloudWatch Logs has no local server).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { type WatchedFile, watchDirectory } from '../../bot/adapters/directory-watcher';
import { pollLogGroup } from '../../bot/adapters/log-group-tail';
import { decodeBytes } from '../../bot/core/decode-input';
import { SIGNIN_SUBSCRIPTION_PATTERN } from '../../shared/alarms';
import { readFixture } from '../helpers/fixtures';

const waitFor = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('watching a folder for CloudTrail files', () => {
  it('hands over files already there and new ones (plain or gzipped), once each, ignoring other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signins-watch-'));
    const record = readFixture('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json');
    writeFileSync(join(dir, 'existing.json'), record);
    const seen: WatchedFile[] = [];
    const watcher = await watchDirectory(
      dir,
      async (file) => {
        seen.push(file);
      },
      (path, err) => {
        throw new Error(`${path}: ${String(err)}`);
      },
      { pollMs: 20 },
    );
    try {
      expect(seen.map((f) => f.path)).toEqual([join(dir, 'existing.json')]);
      writeFileSync(
        join(dir, '111122223333_CloudTrail_us-east-1_20261120T0915Z_abc.json.gz'),
        gzipSync(JSON.stringify({ Records: [JSON.parse(record)] })),
      );
      writeFileSync(join(dir, 'notes.txt'), 'not a trail file');
      await waitFor(() => seen.length === 2);
      const gz = seen[1] as WatchedFile;
      expect(decodeBytes(gz.bytes)).toEqual([
        expect.objectContaining({ kind: 'signin', position: 'Records[0]' }),
      ]);
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toHaveLength(2);
    } finally {
      await watcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tailing a log group', () => {
  const logs = mockClient(CloudWatchLogsClient);
  afterAll(() => logs.restore());

  it('reads every page with the sign-in filter pattern and starts the next poll a little before the newest event', async () => {
    logs
      .on(FilterLogEventsCommand, { nextToken: undefined })
      .resolves({ events: [{ message: '{"a":1}', timestamp: 1_000 }], nextToken: 'page-2' })
      .on(FilterLogEventsCommand, { nextToken: 'page-2' })
      .resolves({ events: [{ message: '{"b":2}', timestamp: 3_000 }, { timestamp: 2_000 }] });
    const client = new CloudWatchLogsClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const page = await pollLogGroup(client, { logGroupName: 'trail-logs', overlapMs: 1_000 }, 500);
    expect(page).toEqual({ messages: ['{"a":1}', '{"b":2}'], nextSince: 2_001 });
    const inputs = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      {
        logGroupName: 'trail-logs',
        filterPattern: SIGNIN_SUBSCRIPTION_PATTERN,
        startTime: 500,
        nextToken: undefined,
      },
      {
        logGroupName: 'trail-logs',
        filterPattern: SIGNIN_SUBSCRIPTION_PATTERN,
        startTime: 500,
        nextToken: 'page-2',
      },
    ]);
  });
});
