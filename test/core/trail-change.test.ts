import { runParse } from '../../bot/cli/parse-command';
import { classifyTrailChange } from '../../bot/core/classify';
import { type DecodedItem, decodeBytes, decodeValue } from '../../bot/core/decode-input';
import type { TextObject } from '../../bot/core/render/blocks';
import { renderTrailChangeCard } from '../../bot/core/render/trail-change-card';
import type { TrailChange } from '../../bot/core/trail-change';
import { trailChangeAlertId } from '../../bot/core/trail-change';
import { HEALTH_ALARMS } from '../../shared/health-alarms';
import { fixtureJson, fixturePath, readFixture, subscriptionEvent } from '../helpers/fixtures';

const STOP = 'trail-change/panther-stoplogging-assumedrole.json';
const STOP_ERROR = 'trail-change/panther-stoplogging-error-invalid-trail-name.json';
const DELETE = 'trail-change/stratus-deletetrail-REAL-anonymized.json';
const SELECTORS = 'trail-change/stratus-puteventselectors-REAL-anonymized.json';

const changes = (items: readonly DecodedItem[]): TrailChange[] =>
  items.flatMap((i) => (i.kind === 'trail-change' ? [i.change] : []));
const only = (items: readonly DecodedItem[]): TrailChange => {
  const found = changes(items);
  expect(found).toHaveLength(1);
  return found[0] as TrailChange;
};
const stopRecord = () => fixtureJson<Record<string, unknown>>(STOP);
const fromFixture = (rel: string): TrailChange => only(decodeBytes(Buffer.from(readFixture(rel))));

/** The published DeleteTrail record turned into a CloudWatch Logs call with its documented parameters. */
const logsRecord = (eventName: string, requestParameters: Record<string, unknown>, extra = {}) => {
  const [published] = fixtureJson<Record<string, unknown>[]>(DELETE);
  return {
    ...published,
    eventSource: 'logs.amazonaws.com',
    eventName,
    eventID: `logs-${eventName}`,
    requestParameters,
    ...extra,
  };
};

const texts = (card: ReturnType<typeof renderTrailChangeCard>): TextObject[] =>
  card.blocks.flatMap((b) => {
    if (b.type === 'header') return [b.text];
    if (b.type === 'section') return [...(b.text ? [b.text] : []), ...(b.fields ?? [])];
    if (b.type === 'context') return [...b.elements];
    return [];
  });

describe('tamper records become trail changes', () => {
  it('reads the published StopLogging record: who, from where, which trail', () => {
    const change = fromFixture(STOP);
    expect(change).toMatchObject({
      eventId: '1',
      eventName: 'StopLogging',
      eventSource: 'cloudtrail.amazonaws.com',
      time: '2019-01-01T00:00:00.000Z',
      who: {
        identityType: 'AssumedRole',
        principal: 'Tester',
        arn: 'arn:aws:sts::123456789012:assumed-role/tester',
      },
      sourceIp: '111.111.111.111',
      userAgent: 'console.amazonaws.com',
      region: 'us-west-2',
      accountId: '123456789012',
      target: {
        trail: 'arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail',
        logGroup: null,
        filter: null,
      },
      outcome: 'changed',
      errorCode: null,
    });
    expect(classifyTrailChange(change)).toBe('critical');
    expect(trailChangeAlertId(change)).toBe('change:1');
  });

  it('reads the real DeleteTrail and PutEventSelectors detonations (trail named name or trailName)', () => {
    expect(fromFixture(DELETE)).toMatchObject({
      eventName: 'DeleteTrail',
      who: { identityType: 'IAMUser', principal: 'christophe' },
      target: { trail: 'stratus-red-team-cloudtraild-trail-kvrwohmiai' },
      accountId: '847129010505',
    });
    expect(fromFixture(SELECTORS)).toMatchObject({
      eventName: 'PutEventSelectors',
      target: { trail: 'stratus-red-team-ctes-trail-khlvciwdor' },
      outcome: 'changed',
    });
  });

  it('a refused attempt is high, not critical, and says it was denied', () => {
    const failed = fromFixture(STOP_ERROR);
    expect(failed).toMatchObject({ outcome: 'failed', errorCode: 'InvalidTrailNameException' });
    expect(classifyTrailChange(failed)).toBe('high');
    const denied = only(
      decodeValue({
        ...stopRecord(),
        errorCode: 'AccessDenied',
        errorMessage:
          'User: arn:aws:sts::123456789012:assumed-role/tester is not authorized to perform: cloudtrail:StopLogging',
      }),
    );
    expect(denied.outcome).toBe('denied');
    expect(classifyTrailChange(denied)).toBe('high');
  });

  it.each([
    [
      'DeleteLogGroup',
      { logGroupName: 'aws-cloudtrail-logs-signins' },
      { logGroup: 'aws-cloudtrail-logs-signins' },
    ],
    [
      'DeleteSubscriptionFilter',
      { logGroupName: 'aws-cloudtrail-logs-signins', filterName: 'signins' },
      { logGroup: 'aws-cloudtrail-logs-signins', filter: 'signins' },
    ],
    [
      'PutSubscriptionFilter',
      { logGroupName: 'aws-cloudtrail-logs-signins', filterName: 'signins', filterPattern: '' },
      { filter: 'signins' },
    ],
    [
      'DeleteMetricFilter',
      { logGroupName: 'g', filterName: 'signin-console-success-root' },
      { filter: 'signin-console-success-root' },
    ],
  ])('reads %s on the log pipeline', (eventName, request, target) => {
    const change = only(decodeValue(logsRecord(eventName, request)));
    expect(change).toMatchObject({
      eventName,
      eventSource: 'logs.amazonaws.com',
      target,
      outcome: 'changed',
    });
    expect(classifyTrailChange(change)).toBe('critical');
  });

  it('become items when they arrive through the subscription filter, next to sign-ins', () => {
    const signIn = fixtureJson('signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json');
    const [stop] = [stopRecord()];
    const items = decodeValue(
      subscriptionEvent([stop, signIn, logsRecord('DeleteSubscriptionFilter', { filterName: 'signins' })]),
    );
    expect(items.map((i) => [i.kind, i.position])).toEqual([
      ['trail-change', 'logEvents[0]'],
      ['signin', 'logEvents[1]'],
      ['trail-change', 'logEvents[2]'],
    ]);
  });

  it('leaves other trail and log calls skipped (StartLogging, CreateLogGroup, a look-alike source)', () => {
    const items = decodeValue([
      { ...stopRecord(), eventName: 'StartLogging' },
      logsRecord('CreateLogGroup', { logGroupName: 'x' }),
      { ...stopRecord(), eventSource: 'cloudtrail.amazonaws.com.evil' },
      { ...stopRecord(), eventName: 'constructor' },
    ]);
    expect(items.map((i) => i.kind)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('gives a record without eventID a stable content id, and an unreadable time as unknown', () => {
    const { eventID: _, ...noId } = stopRecord();
    const a = only(decodeValue({ ...noId, eventTime: 1e20 }));
    const b = only(decodeValue({ ...noId, eventTime: 1e20 }));
    expect(a.eventIdDerived).toBe(true);
    expect(a.eventId).toMatch(/^sha256-[0-9a-f]{32}$/);
    expect(a.eventId).toBe(b.eventId);
    expect(a.time).toBeNull();
  });
});

describe('the trail change card', () => {
  const card = (change: TrailChange, accountName: string | null = null) =>
    renderTrailChangeCard(change, { accountName, severity: classifyTrailChange(change) });

  it('says what stopped, who did it, from where, what it means and what to do', () => {
    const message = card(fromFixture(STOP), 'prod');
    const all = texts(message)
      .map((t) => t.text)
      .join('\n');
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: expect.objectContaining({ type: 'plain_text', text: '🚨 CloudTrail logging stopped' }),
    });
    expect(all).toContain('Tester (assumed role)');
    expect(all).toContain('trail arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail');
    expect(all).toContain('111.111.111.111');
    expect(all).toContain('prod (123456789012)');
    expect(all).toContain(HEALTH_ALARMS.trailTampering.meaning);
    expect(all).toContain(HEALTH_ALARMS.trailTampering.action);
    expect(message.text).toMatch(
      /^CRITICAL: CloudTrail logging stopped — Tester in account prod \(123456789012\) from 111\.111\.111\.111 at 2019-01-01T00:00:00\.000Z$/,
    );
  });

  it.each([
    [DELETE, '🚨 Trail deleted'],
    [SELECTORS, '🚨 Trail event selectors changed'],
    [STOP_ERROR, '🔴 Attempt to stop CloudTrail logging failed'],
  ])('%s has the header %s', (rel, header) => {
    expect(card(fromFixture(rel)).blocks[0]).toMatchObject({ text: { text: header } });
  });

  it('a denied attempt says so, with the log pipeline meaning for a log group', () => {
    const change = only(
      decodeValue(
        logsRecord('DeleteLogGroup', { logGroupName: 'g' }, { errorCode: 'AccessDeniedException' }),
      ),
    );
    const message = card(change);
    const all = texts(message)
      .map((t) => t.text)
      .join('\n');
    expect(message.blocks[0]).toMatchObject({ text: { text: '🔴 Attempt to delete a log group denied' } });
    expect(all).toContain('Attempt denied (AccessDeniedException)');
    expect(all).toContain(HEALTH_ALARMS.logPipelineTampering.meaning);
    expect(message.text).toMatch(/^HIGH: /);
  });

  it('shows "time unknown" when the record time is unreadable', () => {
    const message = card(only(decodeValue({ ...stopRecord(), eventTime: -1e20 })));
    expect(texts(message).map((t) => t.text)).toContain('Time\ntime unknown');
    expect(message.text).toContain('(time unknown)');
  });

  it('keeps hostile record values inert: no mention, link or formatting reaches Slack', () => {
    const hostile = '<!channel> *bold* <https://evil.example|click> \u202egnp.exe';
    const change = only(
      decodeValue({
        ...stopRecord(),
        userIdentity: { type: 'IAMUser', userName: hostile, arn: hostile },
        requestParameters: { name: hostile },
        userAgent: hostile,
        sourceIPAddress: hostile,
      }),
    );
    const message = card(change);
    for (const t of texts(message)) {
      if (t.type === 'mrkdwn') {
        expect(t.text).not.toContain('<!channel>');
        expect(t.text).not.toContain('evil.example');
      }
      expect(t.text).not.toContain('\u202e');
    }
    expect(message.text).not.toContain('<!channel>');
    expect(message.text).toContain('&lt;!channel&gt;');
    const recordText = texts(message).filter((t) => t.text.includes('channel'));
    expect(recordText.length).toBeGreaterThan(0);
    for (const t of recordText) expect(t.type).toBe('plain_text');
  });
});

describe('signins parse', () => {
  it('prints one JSON line per trail change, with its target, who and severity', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runParse(
      [fixturePath(STOP), fixturePath(STOP_ERROR)],
      { out: (line) => out.push(line), err: (line) => err.push(line) },
      null,
    );
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        kind: 'trail-change',
        eventId: '1',
        eventName: 'StopLogging',
        target: {
          trail: 'arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail',
          logGroup: null,
          filter: null,
        },
        who: expect.objectContaining({ principal: 'Tester', identityType: 'AssumedRole' }),
        time: '2019-01-01T00:00:00.000Z',
        outcome: 'changed',
        severity: 'critical',
      }),
      expect.objectContaining({ kind: 'trail-change', outcome: 'failed', severity: 'high' }),
    ]);
  });
});
