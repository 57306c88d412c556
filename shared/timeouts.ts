// Function timeouts and the alert lease, in one place: the lease must outlast any function that may be
// posting an alert, or a second worker could take over a post that may still land (test/infra ties them).

/** Lambda timeouts, in seconds, set by infra/bot-functions.ts. */
export const FUNCTION_TIMEOUT_SECONDS = {
  eventsWorker: 60,
  slackIngress: 10,
  sweeper: 50,
} as const;

/** Margin past the longest function timeout before a lease counts as abandoned. */
const LEASE_MARGIN_MS = 30_000;

/** How long a claim on an alert lasts: longer than the longest function that may hold it. */
export const ALERT_LEASE_MS =
  Math.max(FUNCTION_TIMEOUT_SECONDS.eventsWorker, FUNCTION_TIMEOUT_SECONDS.sweeper) * 1000 + LEASE_MARGIN_MS;

/** Per-request timeouts of the AWS SDK clients on the delivery path (DynamoDB, SNS, Secrets Manager). */
export const AWS_CALL_TIMEOUTS_MS = { connection: 1_000, request: 2_000, attempts: 2 } as const;

/** The longest one AWS SDK call may take on the delivery path, retries included (plus a little backoff). */
export const MAX_AWS_CALL_MS =
  AWS_CALL_TIMEOUTS_MS.attempts * (AWS_CALL_TIMEOUTS_MS.connection + AWS_CALL_TIMEOUTS_MS.request);

/**
 * Time the handlers keep back from their Lambda timeout. No Slack call starts or runs past `slack` (each call's
 * timeout fits in the time left); after it the worker still releases what it holds (one store call). Nothing is
 * written past `store`, so that a store that does not answer fails the invocation cleanly instead of timing out.
 */
export const HANDLER_SAFETY_MS = { slack: 15_000, store: 7_000 } as const;
