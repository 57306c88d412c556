// The Slack ingress on Lambda, in front of Bolt's AwsLambdaReceiver: refuses what is not a signed,
// parseable Slack request (400/401), answers 503 while it cannot get ready (secret unreadable, Slack
// unreachable), and turns anything unexpected into a logged 500. It never rejects: a rejected promise is
// an HTTP 502 for Slack and a stack trace in the log.
import type { AwsEvent, AwsHandler, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import * as z from 'zod';
import { assertNever } from '../core/assert-never';
import type { Logger } from '../ports';
import { checkSlackRequest, type RefusalCode, type SlackRequestVerdict } from './request-verification';

export interface ReadyIngress {
  readonly signingSecret: string;
  /** Bolt's receiver handler; it must only ever see requests this gate accepted. */
  readonly bolt: AwsHandler;
}

export interface FunctionUrlGateDeps {
  /** Memoised by the caller; a rejection means "not ready yet" (503), and is retried next request. */
  readonly ready: () => Promise<ReadyIngress>;
  readonly logger: Logger;
  readonly nowMs: () => number;
}

// Payload format 2.0 (Function URLs) and 1.0 (API Gateway REST) share these fields.
const functionUrlEventSchema = z.looseObject({
  headers: z.record(z.string(), z.string().optional()).nullish(),
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
});
type FunctionUrlEvent = z.infer<typeof functionUrlEventSchema>;

type ErrorCode = RefusalCode | 'not_a_function_url_request' | 'unavailable' | 'internal_error';

const answer = (statusCode: number, error?: ErrorCode): AwsResponse =>
  error
    ? { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error }) }
    : { statusCode, body: '' };

const describe = (err: unknown) =>
  err instanceof Error ? { error: err.message, errorName: err.name } : { error: String(err) };

/** Header names are case-insensitive; Function URLs lower-case them, API Gateway 1.0 does not. */
const headerValue = (event: FunctionUrlEvent, name: string): string | undefined => {
  const headers = event.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
};

/** The body's bytes, or why there are none: base64 is checked strictly (Buffer.from skips bad characters). */
const rawBodyOf = (event: FunctionUrlEvent): Buffer | RefusalCode => {
  if (event.body === undefined || event.body === null || event.body === '') return 'missing_body';
  if (!event.isBase64Encoded) return Buffer.from(event.body, 'utf8');
  const bytes = Buffer.from(event.body, 'base64');
  return bytes.toString('base64') === event.body ? bytes : 'undecodable_body';
};

/** What Bolt is given: the verified body as text, and one content-type header it recognises. */
/**
 * When the request reached the function (epoch ms), for the listeners' deadline: a cold start's time counts
 * against Slack's 3 s too. Set here, never taken from the caller.
 */
export const RECEIVED_AT_HEADER = 'x-signins-received-at';

const forBolt = (
  event: AwsEvent,
  verdict: Extract<SlackRequestVerdict, { kind: 'accept' }>,
  receivedAt: number,
): AwsEvent => {
  const ours = new Set(['content-type', RECEIVED_AT_HEADER]);
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).filter(([name]) => !ours.has(name.toLowerCase())),
  );
  return {
    ...event,
    headers: { ...headers, 'content-type': verdict.contentType, [RECEIVED_AT_HEADER]: String(receivedAt) },
    body: verdict.body,
    isBase64Encoded: false,
  };
};

export const functionUrlGate =
  (deps: FunctionUrlGateDeps) =>
  async (event: unknown, context: unknown): Promise<AwsResponse> => {
    const receivedAt = deps.nowMs();
    try {
      const parsed = functionUrlEventSchema.safeParse(event);
      if (!parsed.success) {
        deps.logger.warn('slack ingress: not a Function URL request', { issues: parsed.error.issues.length });
        return answer(400, 'not_a_function_url_request');
      }
      const rawBody = rawBodyOf(parsed.data);
      if (typeof rawBody === 'string') {
        deps.logger.info('slack ingress: refused', { status: 400, reason: rawBody });
        return answer(400, rawBody);
      }
      let ingress: ReadyIngress;
      try {
        ingress = await deps.ready();
      } catch (err) {
        deps.logger.error('slack ingress: not ready, answering 503 (Slack retries)', describe(err));
        return answer(503, 'unavailable');
      }
      const verdict = checkSlackRequest(
        {
          rawBody,
          contentType: headerValue(parsed.data, 'content-type'),
          signature: headerValue(parsed.data, 'x-slack-signature'),
          timestamp: headerValue(parsed.data, 'x-slack-request-timestamp'),
        },
        ingress.signingSecret,
        deps.nowMs(),
      );
      switch (verdict.kind) {
        case 'refuse':
          deps.logger.info('slack ingress: refused', { status: verdict.status, reason: verdict.detail });
          return answer(verdict.status, verdict.code);
        case 'ssl-check':
          return answer(200);
        case 'accept':
          return await ingress.bolt(forBolt(event as AwsEvent, verdict, receivedAt), context);
        default:
          return assertNever(verdict);
      }
    } catch (err) {
      deps.logger.error('slack ingress: unexpected error, answering 500', describe(err));
      return answer(500, 'internal_error');
    }
  };
