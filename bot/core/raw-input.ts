// Raw bytes before any JSON: gzip inflated under a cap, and text that is not UTF-8 JSON (binary data,
// UTF-16 or UTF-32 exports) named in one printable line instead of a screen of "invalid JSON".
import { gunzipSync } from 'node:zlib';

const MB = 1024 * 1024;

/** One input file or stdin: far above any CloudTrail log file (they roll over every 5 minutes). */
export const FILE_INFLATE_LIMIT = 256 * MB;
/**
 * One CloudWatch Logs subscription payload. Lambda takes at most 1 MB of asynchronous payload (base64 of
 * the gzip) and PutLogEvents at most 1 MB of events per batch, so 8 MB inflated is ample for real data
 * and small for a bomb.
 */
export const SUBSCRIPTION_INFLATE_LIMIT = 8 * MB;

export class InputTooLargeError extends Error {
  override readonly name = 'InputTooLargeError';
  constructor(
    readonly limitBytes: number,
    options?: ErrorOptions,
  ) {
    super(`inflates to more than ${formatBytes(limitBytes)} (the limit for one input)`, options);
  }
}

const formatBytes = (n: number): string =>
  n >= MB && n % MB === 0 ? `${n / MB} MB` : n >= 1024 && n % 1024 === 0 ? `${n / 1024} KB` : `${n} bytes`;

export const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * Inflates gzip (one or more members) without ever holding more than `limitBytes` of output.
 * Throws InputTooLargeError past the limit; other zlib errors are thrown as they are.
 */
export const inflate = (bytes: Uint8Array, limitBytes: number): Buffer => {
  try {
    return gunzipSync(bytes, { maxOutputLength: limitBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputTooLargeError(limitBytes, { cause: err });
    }
    throw err;
  }
};

// git's rule: a NUL in the first 8000 bytes means binary. JSON text never holds a raw NUL.
const SNIFF_BYTES = 8000;

export const BINARY_MESSAGE = 'binary data (not JSON or gzip)';
export const UTF16_MESSAGE = 'UTF-16 text: convert to UTF-8 with iconv -f UTF-16 -t UTF-8';
export const UTF32_MESSAGE = 'UTF-32 text: convert to UTF-8 with iconv -f UTF-32 -t UTF-8';

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  prefix.every((b, i) => bytes[i] === b);

/** ASCII written as UTF-16 without a BOM: NULs at every other byte, nearly all on one side. */
const looksLikeUtf16 = (head: Uint8Array): boolean => {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < head.length; i += 1) {
    if (head[i] === 0) {
      if (i % 2 === 0) even += 1;
      else odd += 1;
    }
  }
  const pairs = Math.floor(head.length / 2);
  return pairs > 0 && Math.max(even, odd) >= pairs * 0.4 && Math.min(even, odd) <= pairs * 0.05;
};

// A byte that cannot start UTF-8 JSON text (whitespace aside): C0 controls, DEL, UTF-8 continuation
// bytes and bytes UTF-8 never uses.
const cannotStartText = (b: number): boolean =>
  (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f || (b >= 0x80 && b <= 0xc1) || b >= 0xf5;

export type TextOrProblem = { readonly text: string } | { readonly problem: string };

/** How many leading bytes `textProblem` needs to see to answer as it would for the whole input. */
export const SNIFF_LENGTH = SNIFF_BYTES + 3;

const bodyOf = (bytes: Uint8Array): Uint8Array =>
  startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;

/**
 * Why the input is not UTF-8 JSON text, judged from its first SNIFF_LENGTH bytes (or all of it when shorter);
 * undefined when it may be.
 */
export const textProblem = (bytes: Uint8Array): string | undefined => {
  if (startsWith(bytes, [0xff, 0xfe, 0, 0]) || startsWith(bytes, [0, 0, 0xfe, 0xff])) return UTF32_MESSAGE;
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return UTF16_MESSAGE;
  const head = bodyOf(bytes).subarray(0, SNIFF_BYTES);
  if (head.includes(0)) return looksLikeUtf16(head) ? UTF16_MESSAGE : BINARY_MESSAGE;
  const first = head.find((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
  return first !== undefined && cannotStartText(first) ? BINARY_MESSAGE : undefined;
};

/** Bytes as UTF-8 text (a UTF-8 BOM is dropped), or the one-line reason they are not. */
export const bytesToText = (bytes: Uint8Array): TextOrProblem => {
  const problem = textProblem(bytes);
  if (problem) return { problem };
  const body = bodyOf(bytes);
  // A view, not a copy: inputs can be hundreds of megabytes.
  return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') };
};
