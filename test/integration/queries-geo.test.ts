// `country` and `asn` through the Queries service and CloudTrail look-backs, on the bundled geo data: stored
// records (dynalite) and event history (CloudTrail mocked) keep only the sign-ins from there and say where each
// person was; without geo data the question is answered with one line, before anything is read.
import { randomUUID } from 'node:crypto';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudTrailHistory } from '../../bot/adapters/cloudtrail-history';
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import { openGeoData } from '../../bot/adapters/geo-database';
import { classifySignIn } from '../../bot/core/classify';
import { decodeText } from '../../bot/core/decode-input';
import { NO_FILTERS, type QueryFilters } from '../../bot/core/query';
import { DEFAULT_ROUTING } from '../../bot/core/routing';
import type { ClassifiedSignIn } from '../../bot/core/sign-in';
import { answerFromHistory, Queries } from '../../bot/pipeline/queries';
import { answerFromHistoryJob, type SlashAnswer } from '../../bot/pipeline/slash-commands';
import type { Logger } from '../../bot/ports';
import { ensureGeoData } from '../../shared/geo-data-build';
import { recordFrom } from '../helpers/fixtures';

const IAM_SUCCESS = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const HOUR = 3_600_000;
const NOW = new Date();
const GEO = openGeoData(ensureGeoData());
const ROUTING = DEFAULT_ROUTING;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const record = (ip: string, user: string, ago: number): Record<string, unknown> => {
  const base = recordFrom(IAM_SUCCESS);
  return {
    ...base,
    eventID: randomUUID(),
    eventTime: new Date(NOW.getTime() - ago).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    sourceIPAddress: ip,
    userIdentity: {
      ...(base.userIdentity as Record<string, unknown>),
      userName: user,
      arn: `arn:aws:iam::111122223333:user/${user}`,
    },
  };
};

const signInsOf = (records: readonly Record<string, unknown>[]): ClassifiedSignIn[] =>
  records.flatMap((r) =>
    decodeText(JSON.stringify(r)).flatMap((item) =>
      item.kind === 'signin' ? [{ ...item.signIn, severity: classifySignIn(item.signIn) }] : [],
    ),
  );

const RECORDS = [
  record('133.11.0.1', 'kenji', 1 * HOUR),
  record('133.11.0.1', 'kenji', 2 * HOUR),
  record('8.8.8.8', 'kenji', 3 * HOUR),
  record('5.9.0.1', 'lena', 4 * HOUR),
  record('10.1.2.3', 'lena', 5 * HOUR),
];
const filters = (over: Partial<QueryFilters>): QueryFilters => ({ ...NO_FILTERS, ...over });
const LAST_DAY = { kind: 'last', ms: 24 * HOUR, text: 'last 24h' } as const;

describe('country and asn through the Queries service', () => {
  it('keep the stored sign-ins from there and say where each person was; without geo data, one line and nothing read', async () => {
    const dynamo = await startEmbeddedDynamo();
    try {
      const store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 90 });
      await store.recordSignIns(signInsOf([...RECORDS, record('133.11.0.1', 'old', 3 * 24 * HOUR)]), NOW);
      const deps = { store, clock: { now: () => NOW }, routing: ROUTING, logger: quiet };

      const japan = await new Queries({ ...deps, geo: GEO }).answer({
        window: LAST_DAY,
        filters: filters({ countries: ['JP'] }),
      });
      if (japan.kind !== 'answer') throw new Error(`answered ${japan.kind}`);
      expect(japan.summary).toMatchObject({ source: 'records', total: 2 });
      expect(japan.summary.principals.map((p) => [p.key, p.countries, p.networks])).toEqual([
        [
          'kenji',
          [{ country: 'JP', label: null, count: 2 }],
          [{ asn: 2501, name: 'The University of Tokyo', count: 2 }],
        ],
      ]);

      // Several values widen (OR); another filter narrows (AND).
      const either = await new Queries({ ...deps, geo: GEO }).answer({
        window: LAST_DAY,
        filters: filters({ asns: [15169, 24940], users: ['lena'] }),
      });
      if (either.kind !== 'answer') throw new Error(`answered ${either.kind}`);
      expect(either.summary.total).toBe(1);
      expect(either.summary.principals[0]?.countries).toEqual([{ country: 'DE', label: null, count: 1 }]);

      const before = store.itemsRead;
      const blind = await new Queries({ ...deps, geo: null }).answer({
        window: LAST_DAY,
        filters: filters({ countries: ['JP'] }),
      });
      expect(blind).toEqual({
        kind: 'unanswerable',
        problem: expect.stringContaining('geo data is not available'),
      });
      expect(store.itemsRead).toBe(before);
      // Other questions are still answered without it, with no countries.
      const plain = await new Queries({ ...deps, geo: null }).answer({
        window: LAST_DAY,
        filters: filters({ users: ['lena'] }),
      });
      if (plain.kind !== 'answer') throw new Error(`answered ${plain.kind}`);
      expect(plain.summary.total).toBe(2);
      expect(plain.summary.principals[0]?.countries).toBeUndefined();

      // Unfiltered, answered from the rollups: each person's countries from the addresses the rollups keep.
      const everyone = await new Queries({ ...deps, geo: GEO }).answer({
        window: LAST_DAY,
        filters: NO_FILTERS,
      });
      if (everyone.kind !== 'answer') throw new Error(`answered ${everyone.kind}`);
      expect(everyone.summary.source).toBe('rollups');
      expect(Object.fromEntries(everyone.summary.principals.map((p) => [p.key, p.countries]))).toEqual({
        kenji: [
          { country: 'JP', label: null, count: 2 },
          { country: 'US', label: null, count: 1 },
        ],
        lena: expect.arrayContaining([
          { country: 'DE', label: null, count: 1 },
          { country: null, label: 'private address', count: 1 },
        ]),
      });
    } finally {
      await dynamo.close();
    }
  });
});

describe('country and asn in CloudTrail look-backs', () => {
  const cloudTrail = mockClient(CloudTrailClient);
  afterAll(() => cloudTrail.restore());
  beforeEach(() => {
    cloudTrail.reset();
    cloudTrail
      .on(LookupEventsCommand)
      .resolves({ Events: RECORDS.map((r) => ({ CloudTrailEvent: JSON.stringify(r) })) });
  });
  const history = () =>
    new CloudTrailHistory(() => new CloudTrailClient({ region: 'us-east-1' }), { sleep: async () => {} });
  const range = { from: new Date(NOW.getTime() - 24 * HOUR), to: NOW };

  it('keep the sign-ins from there, with each person’s countries and networks', async () => {
    const summary = await answerFromHistory(
      { window: LAST_DAY, filters: filters({ countries: ['DE', 'US'] }), range },
      ROUTING,
      { history: history(), regions: ['us-east-1'], logger: quiet, geo: GEO },
      async () => {},
    );
    expect(summary).toMatchObject({ source: 'cloudtrail', total: 2 });
    expect(Object.fromEntries(summary.principals.map((p) => [p.key, p.networks]))).toEqual({
      kenji: [{ asn: 15169, name: 'Google LLC', count: 1 }],
      lena: [{ asn: 24940, name: 'Hetzner Online GmbH', count: 1 }],
    });
  });

  it('without geo data, the worker answers with the one line and never reads CloudTrail', async () => {
    const answers: SlashAnswer[] = [];
    await answerFromHistoryJob(
      {
        kind: 'lookup',
        text: 'last 24h country jp',
        user: 'U0ALICE',
        channel: 'C0SIGNINS',
        responseUrl: 'http://127.0.0.1:9/response',
        requestedAt: NOW.toISOString(),
      },
      {
        history: history(),
        regions: ['us-east-1'],
        logger: quiet,
        geo: null,
        clock: { now: () => NOW },
        routing: ROUTING,
        respond: async (_url, answer) => {
          answers.push(answer);
        },
      },
    );
    expect(answers).toEqual([
      {
        response_type: 'ephemeral',
        replace_original: true,
        text: expect.stringContaining('geo data is not available'),
      },
    ]);
    expect(cloudTrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });
});
