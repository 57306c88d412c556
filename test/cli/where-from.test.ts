// Where a sign-in came from, as a user sees it on the terminal with the bundled data (no network): `signins
// parse` prints each sign-in's country and network, and `signins replay --dry-run` shows them on the cards and
// flags a jump from the US to Japan in 30 minutes as impossible travel.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFrom } from '../helpers/fixtures';
import { runCli } from './run-cli';

const IAM_USER = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';

const signIn = (eventID: string, sourceIPAddress: string, eventTime: string) =>
  recordFrom(IAM_USER, { eventID, sourceIPAddress, eventTime });

describe('where from, on the terminal', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'signins-where-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, records: readonly unknown[]): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ Records: records }));
    return path;
  };

  it('signins parse prints the country and network of public addresses, and null for the others', async () => {
    const path = file('parse.json', [
      signIn('11111111-0000-4000-8000-000000000001', '8.8.8.8', '2026-11-20T09:00:00Z'),
      signIn('11111111-0000-4000-8000-000000000002', '2001:240::1', '2026-11-20T09:01:00Z'),
      signIn('11111111-0000-4000-8000-000000000003', '10.0.0.1', '2026-11-20T09:02:00Z'),
      signIn('11111111-0000-4000-8000-000000000004', 'AWS Internal', '2026-11-20T09:03:00Z'),
      signIn('11111111-0000-4000-8000-000000000005', '203.0.113.7', '2026-11-20T09:04:00Z'),
    ]);
    const run = await runCli(['parse', path], { timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toContain('"geo":{"country":"US","asn":15169,"network":"Google LLC"}');
    const rows = lines.map((l) => JSON.parse(l) as { geo: unknown; geoLabel?: string });
    expect(
      rows.map((r) => [r.geo === null ? null : (r.geo as { country: string }).country, r.geoLabel]),
    ).toEqual([
      ['US', undefined],
      ['JP', undefined],
      [null, 'private address'],
      [null, 'AWS service'],
      [null, 'documentation address'],
    ]);
  });

  it('signins replay --dry-run shows both countries and flags the second sign-in as impossible travel', async () => {
    const path = file('travel.json', [
      signIn('22222222-0000-4000-8000-000000000001', '8.8.8.8', '2026-11-20T09:00:00Z'),
      signIn('22222222-0000-4000-8000-000000000002', '133.11.0.1', '2026-11-20T09:30:00Z'),
    ]);
    const run = await runCli(['replay', '--dry-run', '--json', path], { timeoutMs: 60_000 });
    expect(run.code).toBe(0);
    const cards = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { method: string; args: { text: string; blocks: unknown[] } })
      .filter((c) => c.method === 'chat.postMessage');
    expect(cards).toHaveLength(2);
    // Most severe first: the travelled-to card comes out before the first one.
    const card = (eventId: string) => cards.find((c) => JSON.stringify(c.args.blocks).includes(eventId));
    const first = JSON.stringify(card('22222222-0000-4000-8000-000000000001')?.args.blocks);
    const second = JSON.stringify(card('22222222-0000-4000-8000-000000000002')?.args.blocks);
    expect(first).toContain('🇺🇸 United States · AS15169 Google LLC');
    expect(first).not.toContain('impossible travel');
    expect(second).toContain('🇯🇵 Japan · AS2501');
    expect(second).toContain('impossible travel: US → JP in 30 min');
    expect(card('22222222-0000-4000-8000-000000000002')?.args.text).toMatch(/^HIGH: /);
    expect(card('22222222-0000-4000-8000-000000000001')?.args.text).toMatch(/^LOW: /);
  });
});
