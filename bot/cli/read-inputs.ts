// Reads the CLI's inputs: files (plain or gzip) or "-" for standard input. Unreadable files are
// reported by name and do not stop the others.
import { readFile } from 'node:fs/promises';

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

/** The one-line rejection message: file, position, reason. */
export const rejectionLine = (file: string, position: string, message: string): string =>
  `signins: ${file}${position ? ` (${position})` : ''}: ${message}`;
