// Reads the CLI's inputs: files (plain or gzip) or "-" for standard input, and decodes them. A file that
// cannot be read or decoded is reported by name, in one line, and does not stop the others.
import { readFile } from 'node:fs/promises';
import { type DecodedItem, decodeBytes, InputTooLargeError } from '../core/decode-input';

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
