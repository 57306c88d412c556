// Silences on real dynalite: one id once, listed while not ended, changed only as read, and what they held
// back counted once on the silence and in the hour's rollup.
import { DynamoSignInStore } from '../../bot/adapters/dynamodb-store';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/adapters/embedded-dynamodb';
import type { ClassifiedSignIn } from '../../bot/core/sign-in';
import type { Silence } from '../../bot/core/silence-types';
import { syntheticSignIn } from '../helpers/sign-in';

const NOW = new Date('2026-11-02T15:20:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

let dynamo: EmbeddedDynamo;
let store: DynamoSignInStore;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ tableName: 'silences' });
  store = new DynamoSignInStore(dynamo.client, { tableName: dynamo.tableName, retentionDays: 30 });
});
afterAll(async () => {
  await dynamo.close();
});

let seq = 0;
const silence = (over: Partial<Silence> = {}): Silence => ({
  id: `s-${(++seq).toString(16).padStart(6, '0')}`,
  matchers: [{ field: 'sourceIp', value: '203.0.113.0/24' }],
  startsAt: iso(-HOUR),
  endsAt: iso(HOUR),
  author: 'U123',
  reason: 'pen test this afternoon',
  createdAt: iso(-HOUR - seq * 1000),
  updatedAt: iso(-HOUR - seq * 1000),
  channel: 'C1',
  held: 0,
  alarms: [],
  ...over,
});

const signIn = (eventId: string, time: string | null = iso(-10 * 60_000)): ClassifiedSignIn =>
  syntheticSignIn({ eventId, time, principal: 'pentester', sourceIp: '203.0.113.9' });

describe('silences in the store', () => {
  it('are created once per id and read back as written', async () => {
    const s = silence({
      matchers: [
        { field: 'principal', value: 'pentester' },
        { field: 'identityType', value: 'Root' },
      ],
      alarms: ['signin-console-success-root'],
      channel: null,
    });
    expect(await store.createSilence(s)).toBe(true);
    expect(await store.createSilence({ ...s, reason: 'another' })).toBe(false);
    expect(await store.getSilence(s.id)).toEqual(s);
    expect(await store.getSilence('s-none')).toBeNull();
  });

  it('are listed when not ended before the time asked, newest first, a cancelled one by when it was cancelled', async () => {
    const ended = silence({ startsAt: iso(-5 * HOUR), endsAt: iso(-3 * HOUR) });
    const cancelled = silence({ cancelled: { by: 'U9', at: iso(-2 * HOUR) } });
    const pending = silence({ startsAt: iso(2 * HOUR), endsAt: iso(4 * HOUR) });
    const active = silence();
    for (const s of [ended, cancelled, pending, active]) await store.createSilence(s);
    const ids = async (since: string) => (await store.listSilences(new Date(since))).map((s) => s.id);
    const now = await ids(NOW.toISOString());
    expect(now).toEqual(expect.arrayContaining([pending.id, active.id]));
    expect(now).not.toEqual(expect.arrayContaining([ended.id]));
    expect(now).not.toContain(cancelled.id);
    const lastDay = await ids(iso(-24 * HOUR));
    expect(lastDay).toEqual(expect.arrayContaining([ended.id, cancelled.id, pending.id, active.id]));
    const listed = await store.listSilences(new Date(iso(-24 * HOUR)));
    const created = listed.map((s) => s.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });

  it('change only when still as read, each change a new version', async () => {
    const s = silence();
    await store.createSilence(s);
    const cancelled = { by: 'U9', at: NOW.toISOString() };
    expect(await store.updateSilence(s.id, { cancelled }, s)).toBe(true);
    // A second writer that read the same version loses, and changes nothing.
    expect(await store.updateSilence(s.id, { alarmsDisabledAt: NOW.toISOString() }, s)).toBe(false);
    const after = await store.getSilence(s.id);
    expect(after).toMatchObject({ cancelled, reason: s.reason });
    expect(after?.alarmsDisabledAt).toBeUndefined();
    expect(after && after.updatedAt > s.updatedAt).toBe(true);
    // A change that names its own time keeps it; within the same millisecond the version still moves on.
    if (!after) throw new Error('the silence is gone');
    expect(
      await store.updateSilence(
        s.id,
        { endAnnouncedAt: NOW.toISOString(), updatedAt: after.updatedAt },
        after,
      ),
    ).toBe(true);
    const last = await store.getSilence(s.id);
    expect(last?.endAnnouncedAt).toBe(NOW.toISOString());
    expect(last && last.updatedAt > after.updatedAt).toBe(true);
    // Its id, author's count of held sign-ins and creation time are not the caller's to change.
    if (!last) throw new Error('the silence is gone');
    expect(await store.updateSilence(s.id, { held: 99, createdAt: iso(0), id: 'other' }, last)).toBe(true);
    expect(await store.getSilence(s.id)).toMatchObject({ id: s.id, held: 0, createdAt: s.createdAt });
  });

  it('count what they held back once, on the silence and in the answer of the hour', async () => {
    const s = silence();
    await store.createSilence(s);
    const held = [signIn('held-1'), signIn('held-2'), signIn('held-3', null)];
    await store.recordSignIns(held, NOW);
    await store.countSilenced(s.id, held);
    // The worker retried its batch: the same sign-ins are not counted again.
    await store.countSilenced(s.id, [...held, held[0] as ClassifiedSignIn]);
    // One that was never stored is not counted: the answer counts stored sign-ins only.
    await store.countSilenced(s.id, [signIn('never-stored')]);
    expect((await store.getSilence(s.id))?.held).toBe(3);
    const answer = await store.readActivity(new Date(iso(-HOUR)), NOW, NOW);
    expect(answer.silenced).toBe(3);
    expect(answer.total).toBe(3);
    // Counting held sign-ins is not a change of the silence: a writer that read it before still succeeds.
    expect(await store.updateSilence(s.id, { endsAt: iso(2 * HOUR) }, s)).toBe(true);
    expect((await store.getSilence(s.id))?.held).toBe(3);
  });
});
