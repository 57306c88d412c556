// Reads the CLI's inputs: files (plain or gzip) or "-" for standard input, and decodes them. A file that
// cannot be read or decoded is reported by name, in one line, and does not stop the others. `parse` and
// `replay` stream them (streamInputs); `start` reads small files whole (readInputs, decodeInput).
import { open, readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  type DecodedItem,
  decodeBytes,
  FILE_INFLATE_LIMIT,
  InputTooLargeError,
  StreamDecoder,
} from '../core/decode-input';
import { printable } from '../core/json-values';
import { isGzip } from '../core/raw-input';

export type Input =
  | { readonly name: string; readonly bytes: Buffer }
  | { readonly name: string; readonly error: string };

const readStdin = async (): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export const readInputs = async (paths: readonly string[]): Promise<Input[]> => {
  const list = paths.length === 0 ? ['-'] : paths;
  const out: Input[] = [];
  for (const path of list) {
    if (path === '-') {
      out.push({ name: '<stdin>', bytes: await readStdin() });
      continue;
    }
    try {
      out.push({ name: path, bytes: await readFile(path) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      out.push({
        name: path,
        error:
          code === 'ENOENT'
            ? 'no such file'
            : code === 'EISDIR'
              ? 'is a directory'
              : String((err as Error).message),
      });
    }
  }
  return out;
};

/**
 * Decodes one input. Binary and UTF-16 input is one rejection (the decoder names it); input that inflates
 * past the limit becomes one rejection too, so the caller names the file.
 */
export const decodeInput = (bytes: Uint8Array): DecodedItem[] => {
  try {
    return decodeBytes(bytes);
  } catch (err) {
    if (err instanceof InputTooLargeError) return [{ kind: 'rejected', position: '', message: err.message }];
    throw err;
  }
};

/** The one-line rejection message: file, position, reason. */
export const rejectionLine = (file: string, position: string, message: string): string =>
  `signins: ${file}${position ? ` (${position})` : ''}: ${message}`;

/** One batch of one input's items, in order; an input gives one or more (the last may be empty). */
export interface InputBatch {
  readonly name: string;
  readonly items: DecodedItem[];
}

export interface StreamOptions {
  /** Items per batch (the pipeline stores a batch in one go). */
  readonly batchSize?: number;
  /** Most bytes one gzip input may inflate to. */
  readonly maxInflatedBytes?: number;
  /** Told of every piece read, before any inflating: bytes of the input as stored. */
  readonly onRead?: (bytes: number) => void;
}

const READ_CHUNK = 1024 * 1024;

const openError = (err: unknown): string => {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  return String((err as Error).message);
};

/** Sizes of the inputs that are files (for an ETA); null when one of them is stdin or cannot be read. */
export const totalSize = async (paths: readonly string[]): Promise<number | null> => {
  const list = paths.length === 0 ? ['-'] : paths;
  let total = 0;
  for (const path of list) {
    if (path === '-') return null;
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    total += info.size;
  }
  return total;
};

/**
 * Reads each input (a file, plain or gzip, or "-" for stdin) as a stream and yields its items in batches as
 * they are decoded: memory holds a batch and one record, whatever the input's size, so S3 files can come
 * through stdin (`aws s3 cp s3://bucket/key - | signins parse -`). Every rejection is an item, placed as
 * decodeInput places it: a file that cannot be read, binary or UTF-16 input, a broken gzip stream, gzip
 * inflating past the limit (the items before it are kept).
 */
export async function* streamInputs(
  paths: readonly string[],
  options: StreamOptions = {},
): AsyncGenerator<InputBatch> {
  const batchSize = options.batchSize ?? 500;
  for (const path of paths.length === 0 ? ['-'] : paths) {
    const name = path === '-' ? '<stdin>' : path;
    let source: AsyncIterable<Buffer>;
    if (path === '-') source = process.stdin;
    else {
      try {
        const handle = await open(path);
        if ((await handle.stat()).isDirectory()) {
          await handle.close();
          throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
        }
        source = handle.createReadStream({ highWaterMark: READ_CHUNK });
      } catch (err) {
        yield { name, items: [{ kind: 'rejected', position: '', message: openError(err) }] };
        continue;
      }
    }
    let batch: DecodedItem[] = [];
    for await (const items of decodeStream(source, options)) {
      batch.push(...items);
      if (batch.length < batchSize) continue;
      yield { name, items: batch };
      batch = [];
    }
    yield { name, items: batch };
  }
}

/** The items of one byte stream, as they come. */
async function* decodeStream(
  source: AsyncIterable<Buffer>,
  options: StreamOptions,
): AsyncGenerator<DecodedItem[]> {
  const limit = options.maxInflatedBytes ?? FILE_INFLATE_LIMIT;
  const decoder = new StreamDecoder();
  const raw = counted(source, options.onRead);
  // A pipe may hand over one byte at a time: gzip's two magic bytes are looked for in the first two.
  let head = Buffer.alloc(0);
  let next = await raw.next();
  while (!next.done && head.length + next.value.length < 2) {
    head = Buffer.concat([head, next.value]);
    next = await raw.next();
  }
  if (!next.done) head = Buffer.concat([head, next.value]);
  if (head.length === 0) {
    yield decoder.end();
    return;
  }
  const rest = prepend(head, raw);
  if (!isGzip(head)) {
    for await (const chunk of rest) {
      yield decoder.write(chunk);
      // Binary or UTF-16: told in one line from the first bytes; the rest need not be read.
      if (decoder.refused) break;
    }
    yield decoder.end();
    return;
  }
  let fed = 0;
  try {
    for await (const chunk of inflated(rest, limit)) {
      fed += chunk.length;
      // Still inflated when refused: a gzip bomb of zeros is told as one, as it always was.
      if (!decoder.refused) yield decoder.write(chunk);
    }
  } catch (err) {
    if (err instanceof InputTooLargeError) {
      yield [{ kind: 'rejected', position: '', message: err.message }];
      return;
    }
    // What was inflated before the break is kept; its cut-off tail is rejected with the stream.
    if (fed > 0 && !decoder.refused) yield decoder.end();
    const reason = printable(err instanceof Error ? err.message : String(err));
    yield [{ kind: 'rejected', position: 'gzip', message: `not a readable gzip stream: ${reason}` }];
    return;
  }
  yield decoder.end();
}

async function* counted(
  source: AsyncIterable<Buffer>,
  onRead?: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    onRead?.(chunk.length);
    yield chunk;
  }
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** Gunzip (every member) of a byte stream, throwing InputTooLargeError once past `limit` bytes. */
async function* inflated(source: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  // Errors reach the loop below through gunzip; the pipeline's own promise is only for cleanup.
  pipeline(Readable.from(source), gunzip).catch(() => {});
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) throw new InputTooLargeError(limit);
      yield chunk;
    }
  } finally {
    gunzip.destroy();
  }
}
