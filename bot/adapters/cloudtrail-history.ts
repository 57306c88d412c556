// CloudTrail event history (LookupEvents) for `/signins` windows older than the store. The API allows 2 requests
// per second per account and region and 50 events a page (SIGNIN-FACTS.md §9): requests are paced per region,
// and a throttled request waits and retries within the same pacing, never past the caller's deadline.
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import { AWS_CALL_TIMEOUTS_MS } from '../../shared/timeouts';
import type { SignInHistory } from '../ports';

/** LookupEvents' documented rate: "two per second, per account, per region" (it cannot be raised). */
export const LOOKUP_REQUESTS_PER_SECOND = 2;
/** LookupEvents' largest page. */
export const LOOKUP_PAGE_SIZE = 50;

const SIGNIN_EVENT_SOURCE = 'signin.amazonaws.com';
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequests',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

/** Where a look-back stopped: every page of the window, or as far as the deadline allowed. */
export interface LookupOutcome {
  readonly region: string;
  readonly pages: number;
  readonly records: number;
  /** False when the deadline stopped it before the last page. */
  readonly complete: boolean;
  /** The oldest event read (pages come newest first): how far back the look-back got; null before any event. */
  readonly reachedBack: Date | null;
}

export interface LookupOptions {
  /**
   * Epoch ms (on the adapter's clock) after which no request starts and no backoff sleeps: the worker's time left.
   * @default - none
   */
  readonly deadline?: number;
}

export interface CloudTrailHistoryOptions {
  /** @default LOOKUP_REQUESTS_PER_SECOND */
  readonly requestsPerSecond?: number;
  /** Attempts of one page while CloudTrail throttles, the first included. @default 5 */
  readonly maxAttempts?: number;
  /** First backoff after a throttle, doubled each time up to `maxBackoffMs`. @default 1000 */
  readonly backoffMs?: number;
  /** @default 8000 */
  readonly maxBackoffMs?: number;
  /** Epoch ms. @default Date.now */
  readonly now?: () => number;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter of each backoff. @default Math.random */
  readonly random?: () => number;
}

/** CloudTrail kept throttling one page: the look-back cannot go on now. */
export class HistoryThrottledError extends Error {
  override readonly name = 'HistoryThrottledError';
}

/** The deadline came before the last page: `outcome` says how far the look-back got. */
export class HistoryDeadlineError extends Error {
  override readonly name = 'HistoryDeadlineError';
  constructor(
    message: string,
    readonly outcome: LookupOutcome,
  ) {
    super(message);
  }
}

/** LookupEvents failed for another reason (not allowed, region not enabled, network). */
export class HistoryLookupError extends Error {
  override readonly name = 'HistoryLookupError';
}

interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const isThrottling = (err: unknown): boolean => {
  const e = (err ?? {}) as SdkError;
  return (e.name !== undefined && THROTTLING.has(e.name)) || e.$metadata?.httpStatusCode === 429;
};

const describe = (err: unknown): string => {
  const e = (err ?? {}) as SdkError;
  return `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
};

/**
 * One client per region with one attempt: the adapter's own retry paces throttled pages and knows the deadline,
 * which the SDK's retry does not (both together would multiply the attempts).
 */
export const createCloudTrailClient = (region: string): CloudTrailClient =>
  new CloudTrailClient({
    region,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: AWS_CALL_TIMEOUTS_MS.connection,
      // A page of 50 full records can take longer than a DynamoDB item.
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
    },
  });

class DeadlineReached extends Error {}

export class CloudTrailHistory implements SignInHistory {
  private readonly clients = new Map<string, CloudTrailClient>();
  /** Per region, the earliest time the next request may start: shared by every look-back of this process. */
  private readonly nextSlot = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly clientFor: (region: string) => CloudTrailClient = createCloudTrailClient,
    options: CloudTrailHistoryOptions = {},
  ) {
    const rps = options.requestsPerSecond ?? LOOKUP_REQUESTS_PER_SECOND;
    if (!(rps > 0 && rps <= LOOKUP_REQUESTS_PER_SECOND))
      throw new RangeError(`requestsPerSecond must be above 0 and at most ${LOOKUP_REQUESTS_PER_SECOND}`);
    this.intervalMs = 1000 / rps;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 8000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /**
   * Console sign-in records (and their steps: every event of signin.amazonaws.com) of one region in [from, to),
   * newest page first. Throws HistoryThrottledError when throttling outlasts the attempts, HistoryLookupError
   * for any other failure, and HistoryDeadlineError (with how far it got) when the deadline comes first.
   */
  async lookup(
    region: string,
    from: Date,
    to: Date,
    onPage: (page: number, records: readonly string[]) => Promise<void>,
    options: LookupOptions = {},
  ): Promise<void> {
    const outcome = await this.read(region, from, to, onPage, options);
    if (!outcome.complete) {
      const back = outcome.reachedBack ? ` (back to ${outcome.reachedBack.toISOString()})` : '';
      throw new HistoryDeadlineError(
        `the look-back in ${region} ran out of time after ${outcome.pages} pages${back}`,
        outcome,
      );
    }
  }

  /** As `lookup`, but a deadline ends it without an error: the outcome says whether it read every page. */
  async read(
    region: string,
    from: Date,
    to: Date,
    onPage: (page: number, records: readonly string[]) => Promise<void>,
    options: LookupOptions = {},
  ): Promise<LookupOutcome> {
    let pages = 0;
    let records = 0;
    let reachedBack: Date | null = null;
    let nextToken: string | undefined;
    const outcome = (complete: boolean): LookupOutcome => ({
      region,
      pages,
      records,
      complete,
      reachedBack,
    });
    do {
      let page: LookupEventsCommandOutput;
      try {
        page = await this.fetchPage(region, from, to, nextToken, pages + 1, options.deadline);
      } catch (err) {
        if (err instanceof DeadlineReached) return outcome(false);
        throw err;
      }
      pages += 1;
      const kept: string[] = [];
      for (const event of page.Events ?? []) {
        const time = event.EventTime;
        // LookupEvents' EndTime is inclusive; the port's window is not.
        if (time && time.getTime() >= to.getTime()) continue;
        if (time && (reachedBack === null || time < reachedBack)) reachedBack = time;
        if (event.CloudTrailEvent) kept.push(event.CloudTrailEvent);
      }
      records += kept.length;
      await onPage(pages, kept);
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
    return outcome(true);
  }

  private client(region: string): CloudTrailClient {
    let client = this.clients.get(region);
    if (!client) {
      client = this.clientFor(region);
      this.clients.set(region, client);
    }
    return client;
  }

  private async fetchPage(
    region: string,
    from: Date,
    to: Date,
    nextToken: string | undefined,
    pageNumber: number,
    deadline: number | undefined,
  ): Promise<LookupEventsCommandOutput> {
    const command = new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: SIGNIN_EVENT_SOURCE }],
      StartTime: from,
      EndTime: to,
      MaxResults: LOOKUP_PAGE_SIZE,
      NextToken: nextToken,
    });
    for (let attempt = 1; ; attempt++) {
      await this.waitForSlot(region, deadline);
      try {
        return await this.client(region).send(command);
      } catch (err) {
        if (!isThrottling(err)) {
          throw new HistoryLookupError(
            `CloudTrail LookupEvents failed in ${region} on page ${pageNumber}: ${describe(err)}`,
            { cause: err },
          );
        }
        if (attempt >= this.maxAttempts) {
          throw new HistoryThrottledError(
            `CloudTrail throttled LookupEvents in ${region} ${attempt} times in a row on page ${pageNumber} ` +
              `(it allows ${LOOKUP_REQUESTS_PER_SECOND} requests per second per account and region, shared ` +
              'with every other caller in the account): try again in a minute',
            { cause: err },
          );
        }
        const ceiling = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1));
        // Half fixed, half jitter: several look-backs throttled together do not retry in step.
        const backoff = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
        await this.pause(backoff, deadline);
      }
    }
  }

  /** Waits for the region's next request slot and takes it. */
  private async waitForSlot(region: string, deadline: number | undefined): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot.get(region) ?? 0);
    if (deadline !== undefined && slot >= deadline) throw new DeadlineReached();
    this.nextSlot.set(region, slot + this.intervalMs);
    if (slot > now) await this.sleep(slot - now);
  }

  private async pause(ms: number, deadline: number | undefined): Promise<void> {
    if (deadline !== undefined && this.now() + ms >= deadline) throw new DeadlineReached();
    await this.sleep(ms);
  }
}
