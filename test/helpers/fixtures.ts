// Access to the published fixtures copied under test/fixtures (see test/fixtures/SOURCES.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export const FIXTURES = join(__dirname, '..', 'fixtures');

export const fixturePath = (rel: string): string => join(FIXTURES, rel);
export const readFixture = (rel: string): string => readFileSync(fixturePath(rel), 'utf8');
export const fixtureJson = <T = Record<string, unknown>>(rel: string): T => JSON.parse(readFixture(rel)) as T;

export const listFixtures = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(FIXTURES, p));
    }
  };
  walk(fixturePath(dir));
  return out;
};

/** The CloudWatch Logs → Lambda envelope (base64 of gzip) around CloudTrail records. */
export const subscriptionEvent = (
  records: readonly unknown[],
  options: { owner?: string; raw?: string[] } = {},
) => {
  const messages = [...records.map((r) => JSON.stringify(r)), ...(options.raw ?? [])];
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: options.owner ?? '111122223333',
    logGroup: 'aws-cloudtrail-logs-signins',
    logStream: '111122223333_CloudTrail_us-east-1',
    subscriptionFilters: ['signins'],
    logEvents: messages.map((message, i) => ({
      id: `3595436508795066384227066573745436484040593024963248${String(1000 + i)}`,
      timestamp: 1_700_000_000_000 + i,
      message,
    })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
};

/** A CloudTrail record with overrides, built from a published record. */
export const recordFrom = (
  rel: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> => ({
  ...fixtureJson(rel),
  ...overrides,
});
