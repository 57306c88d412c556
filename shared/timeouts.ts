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

/** Per-request timeouts of the DynamoDB client (connection, whole request). */
export const DYNAMODB_TIMEOUTS_MS = { connection: 1_000, request: 2_000 } as const;
