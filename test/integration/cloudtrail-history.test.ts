// CloudTrail event history through the SDK with LookupEvents mocked (aws-sdk-client-mock) and a fake clock:
// paging, pacing at 2 requests a second per region, throttling, the deadline.
import { CloudTrailClient, type Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudTrailHistory,
  type CloudTrailHistoryOptions,
  createCloudTrailClient,
  HistoryDeadlineError,
  HistoryLookupError,
  HistoryThrottledError,
} from '../../bot/adapters/cloudtrail-history';
import type { SignInHistory } from '../../bot/ports';
import { fixtureJson } from '../helpers/fixtures';

const cloudTrail = mockClient(CloudTrailClient);
beforeEach(() => cloudTrail.reset());
afterAll(() => cloudTrail.restore());

const FROM = new Date('2026-10-01T00:00:00.000Z');
const TO = new Date('2026-11-01T00:00:00.000Z');

/** The AWS CLI's published LookupEvents answer: a real record, as a JSON string. */
const published = fixtureJson<{ Events: { CloudTrailEvent: string }[] }>(
  'signin/aws-cli-examples/lookup-events-consolelogin-assumedrole.json',
).Events[0] as { CloudTrailEvent: string };

/** The published record with its own id and time (pages come newest first). */
const event = (id: string, time: Date): Event => {
  const record = JSON.parse(published.CloudTrailEvent) as Record<string, unknown>;
  const text = JSON.stringify({ ...record, eventID: id, eventTime: time.toISOString() });
  return { EventId: id, EventName: 'ConsoleLogin', EventTime: time, CloudTrailEvent: text };
};

/** `count` pages of two events each, newest first, ending an hour apart from TO. */
const pages = (count: number, region = 'us-east-1'): Event[][] =>
  Array.from({ length: count }, (_, p) =>
    [0, 1].map((i) => event(`${region}-${p}-${i}`, new Date(TO.getTime() - (p * 2 + i + 1) * 3_600_000))),
  );

/** Answers LookupEvents from `pagesOf(region)`, NextToken `p<n>`, and notes when each request started. */
const serve = (clock: FakeClock, pagesOf: (region: string) => Event[][]) => {
  const starts: { region: string; at: number; token?: string }[] = [];
  cloudTrail.on(LookupEventsCommand).callsFake(async (input, getClient) => {
    const region = await (getClient() as CloudTrailClient).config.region();
    starts.push({ region, at: clock.now(), token: input.NextToken });
    const all = pagesOf(region);
    const index = input.NextToken ? Number(String(input.NextToken).slice(1)) : 0;
    return {
      Events: all[index] ?? [],
      NextToken: index + 1 < all.length ? `p${index + 1}` : undefined,
    };
  });
  return starts;
};

interface FakeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  readonly sleeps: number[];
}

/** Time moves only when the adapter sleeps: nothing in these tests waits for real. */
const fakeClock = (start = 1_000_000): FakeClock => {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
};

/**
 * For look-backs that run together: a sleep waits for its wake-up time, and time jumps to the earliest one only
 * once every look-back is waiting (as real time would pass).
 */
const concurrentClock = (start = 1_000_000) => {
  let t = start;
  const timers: { at: number; wake: () => void }[] = [];
  const sleeps: number[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => t,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        sleeps.push(ms);
        timers.push({ at: t + ms, wake });
      }),
    sleeps,
    async run<T>(work: Promise<T>): Promise<T> {
      let done = false;
      const watched = work.finally(() => {
        done = true;
      });
      for (let turns = 0; turns < 10_000; turns++) {
        await settle();
        if (done) break;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) throw new Error('the look-backs wait for nothing');
        t = next.at;
        next.wake();
      }
      return watched;
    },
  };
};

const history = (clock: FakeClock, options: CloudTrailHistoryOptions = {}) => {
  const regions: string[] = [];
  const adapter = new CloudTrailHistory(
    (region) => {
      regions.push(region);
      return createCloudTrailClient(region);
    },
    { now: clock.now, sleep: clock.sleep, random: () => 0.5, ...options },
  );
  return { adapter, regions };
};

const collect = () => {
  const seen: { page: number; ids: string[] }[] = [];
  const onPage = async (page: number, records: readonly string[]) => {
    seen.push({ page, ids: records.map((r) => (JSON.parse(r) as { eventID: string }).eventID) });
  };
  return { seen, onPage };
};

const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });

/** The most requests that started within any one second. */
const busiestSecond = (times: readonly number[]): number =>
  Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));

describe('CloudTrail event history', () => {
  it('reads every page of console sign-in events in the window and hands each page’s records on', async () => {
    const clock = fakeClock();
    const starts = serve(clock, () => pages(3));
    const { adapter } = history(clock);
    const { seen, onPage } = collect();

    const outcome = await adapter.read('us-east-1', FROM, TO, onPage);

    expect(seen).toEqual([
      { page: 1, ids: ['us-east-1-0-0', 'us-east-1-0-1'] },
      { page: 2, ids: ['us-east-1-1-0', 'us-east-1-1-1'] },
      { page: 3, ids: ['us-east-1-2-0', 'us-east-1-2-1'] },
    ]);
    const inputs = cloudTrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'signin.amazonaws.com' }],
      StartTime: FROM,
      EndTime: TO,
      MaxResults: 50,
      NextToken: undefined,
    });
    expect(starts.map((s) => s.token)).toEqual([undefined, 'p1', 'p2']);
    expect(outcome).toEqual({
      region: 'us-east-1',
      pages: 3,
      records: 6,
      complete: true,
      reachedBack: new Date(TO.getTime() - 6 * 3_600_000),
    });
  });

  it('leaves out an event at the window’s end (LookupEvents’ EndTime is inclusive) and one without a record', async () => {
    const clock = fakeClock();
    serve(clock, () => [
      [event('at-end', TO), { EventId: 'bare', EventTime: new Date(TO.getTime() - 1000) }, event('in', FROM)],
    ]);
    const { seen, onPage } = collect();
    const outcome = await history(clock).adapter.read('us-east-1', FROM, TO, onPage);
    expect(seen).toEqual([{ page: 1, ids: ['in'] }]);
    expect(outcome.records).toBe(1);
  });

  it('hears an empty page that still has a next page, and goes on', async () => {
    const clock = fakeClock();
    serve(clock, () => [[], pages(1)[0] as Event[]]);
    const { seen, onPage } = collect();
    await history(clock).adapter.read('us-east-1', FROM, TO, onPage);
    expect(seen.map((s) => [s.page, s.ids.length])).toEqual([
      [1, 0],
      [2, 2],
    ]);
  });

  it('starts at most 2 requests a second in a region, sleeping between pages rather than calling early', async () => {
    const clock = fakeClock();
    const starts = serve(clock, () => pages(10));
    await history(clock).adapter.read('eu-west-1', FROM, TO, collect().onPage);

    expect(starts).toHaveLength(10);
    // The first request goes at once; each later one waits for its half-second slot.
    expect(clock.sleeps).toEqual(Array(9).fill(500));
    expect(busiestSecond(starts.map((s) => s.at))).toBe(2);
    expect(clock.now() - 1_000_000).toBe(4_500);
  });

  it('paces each region on its own, and two look-backs of one region together', async () => {
    const clock = concurrentClock();
    const starts = serve(clock, (region) => pages(4, region));
    const { adapter, regions } = history(clock);

    await clock.run(
      Promise.all([
        adapter.read('us-east-1', FROM, TO, collect().onPage),
        adapter.read('eu-west-1', FROM, TO, collect().onPage),
        adapter.read('us-east-1', FROM, TO, collect().onPage),
      ]),
    );

    const at = (region: string) => starts.filter((s) => s.region === region).map((s) => s.at);
    expect(at('us-east-1')).toHaveLength(8);
    expect(busiestSecond(at('us-east-1'))).toBeLessThanOrEqual(2);
    expect(at('eu-west-1')).toHaveLength(4);
    // eu-west-1's first request did not wait for us-east-1's slots.
    expect(Math.min(...at('eu-west-1'))).toBe(1_000_000);
    // One client per region, kept for later look-backs.
    expect(regions.sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('retries a throttled page after a growing backoff, still paced, then goes on', async () => {
    const clock = fakeClock();
    const starts: number[] = [];
    const [first, second] = pages(2);
    cloudTrail
      .on(LookupEventsCommand)
      .callsFake(async () => {
        starts.push(clock.now());
        return { Events: second };
      })
      .on(LookupEventsCommand, { NextToken: undefined })
      .callsFake(async () => {
        starts.push(clock.now());
        if (starts.length <= 2) throw throttled();
        return { Events: first, NextToken: 'p1' };
      });
    const { seen, onPage } = collect();

    const outcome = await history(clock).adapter.read('us-east-1', FROM, TO, onPage);

    expect(cloudTrail.commandCalls(LookupEventsCommand)).toHaveLength(4);
    // Backoffs of 1 s then 2 s (half fixed, half jitter at 0.5), then the half-second pace for page 2.
    expect(clock.sleeps).toEqual([750, 1500, 500]);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(2);
    expect(seen.map((s) => s.page)).toEqual([1, 2]);
    expect(outcome.complete).toBe(true);
  });

  it('treats an HTTP 429 as throttling too', async () => {
    const clock = fakeClock();
    cloudTrail
      .on(LookupEventsCommand)
      .rejectsOnce(
        Object.assign(new Error('slow down'), { name: 'Unknown', $metadata: { httpStatusCode: 429 } }),
      )
      .resolves({ Events: pages(1)[0] });
    const outcome = await history(clock).adapter.read('us-east-1', FROM, TO, collect().onPage);
    expect(outcome.records).toBe(2);
  });

  it('gives up after the attempts with a clear error when CloudTrail keeps throttling', async () => {
    const clock = fakeClock();
    cloudTrail.on(LookupEventsCommand).rejects(throttled());
    const { seen, onPage } = collect();

    const error = await history(clock, { maxAttempts: 4 })
      .adapter.read('ap-south-1', FROM, TO, onPage)
      .catch((err: unknown) => err);

    expect(error).toBeInstanceOf(HistoryThrottledError);
    expect((error as Error).message).toMatch(
      /^CloudTrail throttled LookupEvents in ap-south-1 4 times in a row on page 1 \(it allows 2 requests per second per account and region.*\): try again in a minute$/,
    );
    expect(cloudTrail.commandCalls(LookupEventsCommand)).toHaveLength(4);
    expect(clock.sleeps).toEqual([750, 1500, 3000]);
    expect(seen).toEqual([]);
  });

  it('says which region and page failed for any other error, without retrying it', async () => {
    const clock = fakeClock();
    cloudTrail
      .on(LookupEventsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const lookup = history(clock).adapter.read('eu-north-1', FROM, TO, collect().onPage);
    await expect(lookup).rejects.toThrow(HistoryLookupError);
    await expect(lookup).rejects.toThrow(
      'CloudTrail LookupEvents failed in eu-north-1 on page 1: AccessDeniedException: not allowed',
    );
    expect(cloudTrail.commandCalls(LookupEventsCommand)).toHaveLength(1);
  });

  it('stops at the deadline with the pages it read and how far back they went, starting nothing after it', async () => {
    const clock = fakeClock();
    const starts = serve(clock, () => pages(20));
    const { seen, onPage } = collect();
    // Room for four requests: at +0, +500, +1000 and +1500 ms.
    const deadline = clock.now() + 1_800;

    const outcome = await history(clock).adapter.read('us-east-1', FROM, TO, onPage, { deadline });

    expect(outcome).toEqual({
      region: 'us-east-1',
      pages: 4,
      records: 8,
      complete: false,
      reachedBack: new Date(TO.getTime() - 8 * 3_600_000),
    });
    expect(seen.map((s) => s.page)).toEqual([1, 2, 3, 4]);
    expect(Math.max(...starts.map((s) => s.at))).toBeLessThan(deadline);
    expect(clock.now()).toBeLessThan(deadline);
  });

  it('as the SignInHistory port, reads every page, and at the deadline throws saying how far it got', async () => {
    const clock = fakeClock();
    serve(clock, () => pages(20));
    const port: SignInHistory = history(clock).adapter;
    const { seen, onPage } = collect();
    await port.lookup('us-east-1', FROM, TO, onPage);
    expect(seen).toHaveLength(20);

    const late = history(clock).adapter;
    const error = await late
      .lookup('us-east-1', FROM, TO, collect().onPage, { deadline: clock.now() + 800 })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HistoryDeadlineError);
    expect((error as HistoryDeadlineError).outcome).toMatchObject({ pages: 2, complete: false });
    expect((error as Error).message).toBe(
      `the look-back in us-east-1 ran out of time after 2 pages (back to ${new Date(TO.getTime() - 4 * 3_600_000).toISOString()})`,
    );
  });

  it('does not sleep a throttling backoff past the deadline', async () => {
    const clock = fakeClock();
    cloudTrail.on(LookupEventsCommand).rejects(throttled());
    const deadline = clock.now() + 2_000;
    const outcome = await history(clock).adapter.read('us-east-1', FROM, TO, collect().onPage, {
      deadline,
    });
    expect(outcome).toMatchObject({ pages: 0, complete: false, reachedBack: null });
    expect(clock.sleeps).toEqual([750]);
    expect(clock.now()).toBeLessThan(deadline);
  });

  it('refuses a pace above what LookupEvents allows', () => {
    expect(() => new CloudTrailHistory(undefined, { requestsPerSecond: 5 })).toThrow(/at most 2/);
  });
});
