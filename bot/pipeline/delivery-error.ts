// Why a Slack call did not deliver, in the terms delivery decides on: was the message certainly not sent
// (retry the post), may it have landed (look for it before any retry), or will no retry help (stop, escalate)?
import { slackErrorMeaning } from '../core/slack-errors';

export type DeliveryFailure =
  /** 429: not sent; Slack says when to come back. */
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number }
  /** Slack answered `ok: false`: not sent. */
  | {
      readonly kind: 'rejected';
      readonly code: string;
      readonly permanent: boolean;
      readonly tokenRefused: boolean;
    }
  /** Timeout, reset, 5xx: the message may be in Slack. */
  | { readonly kind: 'unknown' }
  /** Not attempted: no Slack token yet, or no time left in this invocation. */
  | { readonly kind: 'not-attempted'; readonly reason: 'not-configured' | 'out-of-time' };

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';

  constructor(
    readonly failure: DeliveryFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const rejectedBySlack = (code: string, context: string): DeliveryError => {
  const meaning = slackErrorMeaning(code);
  if (meaning.mayHaveLanded) return new DeliveryError({ kind: 'unknown' }, `${context}: ${code}`);
  return new DeliveryError(
    { kind: 'rejected', code, permanent: meaning.permanent, tokenRefused: meaning.tokenRefused },
    meaning.hint ? `${context}: ${code} (${meaning.hint})` : `${context}: ${code}`,
  );
};

/** Any error as a DeliveryError: what we cannot tell apart may have landed. */
export const asDeliveryError = (err: unknown): DeliveryError =>
  err instanceof DeliveryError
    ? err
    : new DeliveryError({ kind: 'unknown' }, err instanceof Error ? err.message : String(err), {
        cause: err,
      });
