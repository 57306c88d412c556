// Is this request from Slack? One answer for both HTTP transports (Lambda Function URL, local HTTP),
// given before Bolt sees the request: Bolt parses the body before it checks the signature, and accepts
// timestamps from the future (it refuses only the past).
// https://api.slack.com/authentication/verifying-requests-from-slack
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';

/** Slack's replay window, both ways: a request stamped further from now is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** The two content types Slack sends, and the only two Bolt's receivers parse. */
export type SlackContentType = 'application/json' | 'application/x-www-form-urlencoded';

export interface SlackRequest {
  /** The body exactly as it arrived (the signature covers these bytes). */
  readonly rawBody: Buffer;
  /** Header values as received, undefined when absent. */
  readonly contentType?: string;
  readonly signature?: string;
  readonly timestamp?: string;
}

/** Short codes for response bodies; the detail goes to the log only. */
export type RefusalCode =
  | 'missing_body'
  | 'undecodable_body'
  | 'unsupported_content_type'
  | 'malformed_body'
  | 'unauthorized';

export type SlackRequestVerdict =
  /** Signed by Slack and parseable: hand `body` (the raw body as text) to Bolt with `contentType`. */
  | { readonly kind: 'accept'; readonly contentType: SlackContentType; readonly body: string }
  /** Slack's unsigned SSL check: answer 200 with no body, and hand nothing to Bolt. */
  | { readonly kind: 'ssl-check' }
  | {
      readonly kind: 'refuse';
      readonly status: 400 | 401;
      readonly code: RefusalCode;
      readonly detail: string;
    };

const refuse = (status: 400 | 401, code: RefusalCode, detail: string): SlackRequestVerdict => ({
  kind: 'refuse',
  status,
  code,
  detail,
});

/** `application/json; charset=utf-8` → `application/json`; anything else Slack does not send → undefined. */
export const slackContentType = (header: string | undefined): SlackContentType | undefined => {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json' || mediaType === 'application/x-www-form-urlencoded'
    ? mediaType
    : undefined;
};

/**
 * Why Slack did not sign this request, or undefined when it did: `v0=hex(HMAC-SHA256(secret,
 * "v0:<timestamp>:<body>"))`, compared in constant time, with a timestamp within five minutes of now.
 */
export const signatureProblem = (
  request: Pick<SlackRequest, 'rawBody' | 'signature' | 'timestamp'>,
  signingSecret: string,
  nowMs: number,
): string | undefined => {
  const { signature, timestamp } = request;
  if (!signature || !timestamp) return 'x-slack-signature or x-slack-request-timestamp is missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'x-slack-request-timestamp is not a number of seconds';
  const skew = Number(timestamp) - Math.floor(nowMs / 1000);
  if (skew < -MAX_CLOCK_SKEW_SECONDS) return 'x-slack-request-timestamp is more than 5 minutes old';
  if (skew > MAX_CLOCK_SKEW_SECONDS) return 'x-slack-request-timestamp is more than 5 minutes in the future';
  const expected = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:`)
    .update(request.rawBody)
    .digest('hex');
  const given = /^v0=([0-9a-f]{64})$/.exec(signature)?.[1];
  if (!given || !timingSafeEqual(Buffer.from(given, 'latin1'), Buffer.from(expected, 'latin1')))
    return 'x-slack-signature does not match the body';
  return undefined;
};

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const isPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses the body the way Bolt will, so that what Bolt cannot parse is a 400 here instead of a crash there. */
const bodyProblem = (contentType: SlackContentType, body: string): string | undefined => {
  try {
    if (contentType === 'application/json')
      return isPlainObject(JSON.parse(body)) ? undefined : 'JSON body is not an object';
    const { payload } = parseQuery(body);
    if (typeof payload === 'string' && !isPlainObject(JSON.parse(payload)))
      return 'form field payload is not a JSON object';
    return undefined;
  } catch (err) {
    return `body cannot be parsed as ${contentType}: ${(err as Error).message}`;
  }
};

const isSslCheck = (contentType: SlackContentType | undefined, rawBody: Buffer): boolean =>
  contentType === 'application/x-www-form-urlencoded' &&
  parseQuery(rawBody.toString('utf8')).ssl_check === '1';

/**
 * The verdict on one request. Only a missing body and Slack's SSL check are judged before the
 * signature; the body is parsed only once Slack's signature is known good.
 */
export const checkSlackRequest = (
  request: SlackRequest,
  signingSecret: string,
  nowMs: number,
): SlackRequestVerdict => {
  if (request.rawBody.length === 0) return refuse(400, 'missing_body', 'the request has no body');
  const contentType = slackContentType(request.contentType);
  // Slack sends ssl_check unsigned (slackapi/bolt-js#1397); it is answered here and never dispatched.
  if (isSslCheck(contentType, request.rawBody)) return { kind: 'ssl-check' };
  const unsigned = signatureProblem(request, signingSecret, nowMs);
  if (unsigned) return refuse(401, 'unauthorized', unsigned);
  if (!contentType)
    return refuse(
      400,
      'unsupported_content_type',
      `content type ${JSON.stringify(request.contentType ?? '')} is neither JSON nor a form`,
    );
  let body: string;
  try {
    body = utf8.decode(request.rawBody);
  } catch {
    return refuse(400, 'undecodable_body', 'the body is not UTF-8');
  }
  const malformed = bodyProblem(contentType, body);
  if (malformed) return refuse(400, 'malformed_body', malformed);
  return { kind: 'accept', contentType, body };
};
