// How the CLI shows the Slack calls it makes (or would make): JSON lines or readable cards. Either way,
// what came from a record cannot drive the terminal (see terminal-text.ts).
import type { RecordedCall } from '../adapters/slack-notifier';
import { assertNever } from '../core/assert-never';
import type { SlackMessage } from '../core/render/blocks';
import { cardToText } from '../core/render/card-text';
import type { IngestResult } from '../pipeline/ingest';
import { jsonSafe, terminalSafe } from './terminal-text';

/** The card a call posts or redraws; null for a text-only message (a thread reply, an ephemeral note). */
export const cardOf = (call: RecordedCall): SlackMessage | null =>
  'blocks' in call.args ? { text: call.args.text, blocks: call.args.blocks } : null;

/** Text the bot wrote, read as a card's section so that its mrkdwn shows as a reader sees it. */
const textToText = (text: string): string =>
  cardToText({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });

const readable = (call: RecordedCall): string => {
  switch (call.method) {
    case 'chat.update':
      return `\n↻ update of ${call.args.channel} ${call.args.ts}\n${cardToText(call.args)}`;
    case 'chat.postEphemeral':
      return `\n→ ${call.args.channel}, seen by ${call.args.user} only\n${textToText(call.args.text)}`;
    case 'chat.postMessage':
      return 'thread_ts' in call.args
        ? `\n→ ${call.args.channel}, in the thread of ${call.args.thread_ts}\n${textToText(call.args.text)}`
        : `\n→ ${call.args.channel}\n${cardToText(call.args)}`;
    default:
      return assertNever(call);
  }
};

export const presentCall =
  (json: boolean, out: (line: string) => void) =>
  (call: RecordedCall): void => {
    out(json ? jsonSafe(JSON.stringify(call)) : terminalSafe(readable(call)));
  };

export const summaryLine = (r: IngestResult, dryRun = false): string =>
  `signins: ${r.signIns} sign-in(s), ${r.alarms} alarm(s): ${r.posted} ${dryRun ? 'shown (dry run)' : 'posted'}, ${r.duplicates} duplicate(s), ` +
  `${r.storedOnly} stored only, ${r.deferred} deferred, ${r.abandoned} given up, ${r.skipped} not sign-ins, ` +
  `${r.rejected.length} rejected, ${r.notStored.length} not stored`;
