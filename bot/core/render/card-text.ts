// A readable terminal rendering of a Slack message, for `signins replay` and `npm start` without Slack.
import { assertNever } from '../assert-never';
import type { SlackMessage, TextObject } from './blocks';
import { neutralize } from './record-text';

const unescapeMrkdwn = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * Mrkdwn the bot wrote as plain words (mail, SMS, a modal's error): dates by their fallback, mentions as @id,
 * entities undone.
 */
export const mrkdwnToPlain = (text: string): string =>
  unescapeMrkdwn(
    text
      .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
      .replace(/<@([UW][A-Z0-9]+)>/g, '@$1')
      .replace(/<!subteam\^(S[A-Z0-9]+)>/g, '@$1'),
  );

/** Turns mrkdwn tokens into what a reader sees: as mrkdwnToPlain, and links as "label (url)", bold as text. */
const readable = (t: TextObject): string =>
  t.type === 'plain_text'
    ? t.text
    : mrkdwnToPlain(t.text.replace(/<(https?:[^|>]+)\|([^>]*)>/g, '$2 ($1)').replace(/\*([^*\n]+)\*/g, '$1'));

export const cardToText = (message: SlackMessage): string => {
  const lines: string[] = [];
  for (const block of message.blocks) {
    switch (block.type) {
      case 'header':
        lines.push(`━━ ${readable(block.text)} ━━`);
        break;
      case 'section':
        if (block.text) lines.push(readable(block.text));
        for (const f of block.fields ?? [])
          lines.push(`  ${readable(f).replace('\n', ': ').replace(/\n/g, ' · ')}`);
        break;
      case 'context':
        for (const e of block.elements) lines.push(`  ${readable(e)}`);
        break;
      case 'divider':
        lines.push('──');
        break;
      case 'actions':
        lines.push(`  ${block.elements.map((b) => `[ ${b.text.text} ]`).join(' ')}`);
        break;
      case 'input':
        lines.push(`  ${readable(block.label)}: ____`);
        break;
      default:
        assertNever(block);
    }
  }
  // Cards are neutralised when built; this also covers a message from elsewhere (escape sequences
  // must never reach the terminal raw).
  return lines.join('\n').split('\n').map(neutralize).join('\n');
};
