// AWS SDK errors in words a person can act on. Two kinds: AWS cannot be reached at all (no credentials,
// no region, no network, refused credentials: every call would fail the same way, so stop and say it once),
// and one call that failed (not allowed, throttled): that check alone could not run.

export class AwsUnreachableError extends Error {
  override readonly name = 'AwsUnreachableError';
}

interface SdkError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

const REFUSED_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidAccessKeyId',
]);

const oneLine = (text: string, max = 200): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export const errorName = (err: unknown): string => (err as SdkError | undefined)?.name ?? 'Error';

/** Why no AWS call can succeed, or undefined when the error concerns one call only. */
export const describeUnreachable = (err: unknown): string | undefined => {
  const e = (err ?? {}) as SdkError;
  const message = e.message ?? String(err);
  if (e.name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
    return 'cannot reach AWS (no credentials found): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  if (/region is missing/i.test(message))
    return 'cannot reach AWS (no region): pass --region or set AWS_REGION';
  if (e.name && REFUSED_CREDENTIALS.has(e.name))
    return `AWS refused the credentials (${e.name}): refresh them (\`aws sso login\`, or new access keys)`;
  if (
    (e.code && NETWORK_CODES.has(e.code)) ||
    e.name === 'TimeoutError' ||
    (e.$metadata?.httpStatusCode === undefined && /socket hang up|getaddrinfo|connect /i.test(message))
  )
    return `cannot reach AWS (${oneLine(e.code ?? message, 80)}): check the network, a proxy or AWS_ENDPOINT_URL`;
  return undefined;
};

/** One failed call, for a `(could not check: …)` line. */
export const describeCallError = (action: string, err: unknown): string => {
  const name = errorName(err);
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name))
    return `${action} is not allowed for these credentials`;
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name)) return `${action} was throttled: try again`;
  return `${action} failed: ${name}: ${oneLine((err as SdkError | undefined)?.message ?? '')}`;
};

export type AwsAttempt<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly errorName: string };

/** Runs one call; throws AwsUnreachableError when AWS is out of reach, otherwise keeps the failure. */
export const attempt = async <T>(action: string, call: () => Promise<T>): Promise<AwsAttempt<T>> => {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    const unreachable = describeUnreachable(err);
    if (unreachable) throw new AwsUnreachableError(unreachable, { cause: err });
    return { ok: false, reason: describeCallError(action, err), errorName: errorName(err) };
  }
};
