// `signins parse [FILE|-]…`: one JSON line per sign-in or alarm notification; rejections on stderr.
import { classifySignIn } from '../core/classify';
import { decodeBytes } from '../core/decode-input';
import { readInputs, rejectionLine } from './read-inputs';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const runParse = async (paths: readonly string[], io: Io): Promise<number> => {
  let rejected = 0;
  for (const input of await readInputs(paths)) {
    if ('error' in input) {
      rejected += 1;
      io.err(rejectionLine(input.name, '', input.error));
      continue;
    }
    for (const item of decodeBytes(input.bytes)) {
      switch (item.kind) {
        case 'signin':
          io.out(JSON.stringify({ kind: 'signin', ...item.signIn, severity: classifySignIn(item.signIn) }));
          break;
        case 'alarm':
          io.out(JSON.stringify(item.alarm));
          break;
        case 'rejected':
          rejected += 1;
          io.err(rejectionLine(input.name, item.position, item.message));
          break;
        case 'skipped':
          break;
      }
    }
  }
  return rejected > 0 ? 2 : 0;
};
