// How the CLI shows the Slack calls it makes (or would make): JSON lines or readable cards.

import type { RecordedCall } from '../adapters/slack-notifier';
import { cardToText } from '../core/render/card-text';
import type { IngestResult } from '../ingest';

export const presentCall =
  (json: boolean, out: (line: string) => void) =>
  (call: RecordedCall): void => {
    if (json) {
      out(JSON.stringify(call));
      return;
    }
    out(`\n→ ${call.args.channel}\n${cardToText({ text: call.args.text, blocks: call.args.blocks })}`);
  };

export const summaryLine = (r: IngestResult): string =>
  `signins: ${r.signIns} sign-in(s), ${r.alarms} alarm(s): ${r.posted} posted, ${r.duplicates} duplicate(s), ` +
  `${r.storedOnly} stored only, ${r.skipped} not sign-ins, ${r.rejected.length} rejected, ${r.failed.length} failed`;

export const emptyResult = (): IngestResult => ({
  signIns: 0,
  alarms: 0,
  posted: 0,
  duplicates: 0,
  storedOnly: 0,
  skipped: 0,
  rejected: [],
  failed: [],
});

/** Adds one ingest result into a running total. */
export const addResult = (total: IngestResult, r: IngestResult): IngestResult => ({
  signIns: total.signIns + r.signIns,
  alarms: total.alarms + r.alarms,
  posted: total.posted + r.posted,
  duplicates: total.duplicates + r.duplicates,
  storedOnly: total.storedOnly + r.storedOnly,
  skipped: total.skipped + r.skipped,
  rejected: [...total.rejected, ...r.rejected],
  failed: [...total.failed, ...r.failed],
});
