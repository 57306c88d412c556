// How the CLI shows the Slack calls it makes (or would make): JSON lines or readable cards. Either way,
// what came from a record cannot drive the terminal (see terminal-text.ts).
import type { RecordedCall } from '../adapters/slack-notifier';
import { cardToText } from '../core/render/card-text';
import type { IngestResult } from '../pipeline/ingest';
import { jsonSafe, terminalSafe } from './terminal-text';

export const presentCall =
  (json: boolean, out: (line: string) => void) =>
  (call: RecordedCall): void => {
    if (json) {
      out(jsonSafe(JSON.stringify(call)));
      return;
    }
    out(
      terminalSafe(
        `\n→ ${call.args.channel}\n${cardToText({ text: call.args.text, blocks: call.args.blocks })}`,
      ),
    );
  };

export const summaryLine = (r: IngestResult, dryRun = false): string =>
  `signins: ${r.signIns} sign-in(s), ${r.alarms} alarm(s): ${r.posted} ${dryRun ? 'shown (dry run)' : 'posted'}, ${r.duplicates} duplicate(s), ` +
  `${r.storedOnly} stored only, ${r.deferred} deferred, ${r.abandoned} given up, ${r.skipped} not sign-ins, ` +
  `${r.rejected.length} rejected, ${r.notStored.length} not stored`;
