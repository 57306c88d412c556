// What must hold for any card the bot draws, whatever the record held: within Block Kit's limits, no
// mention or link in mrkdwn but the bot's own, no angle bracket in plain_text, no lone surrogate, no bidi
// override, invisible or control character, no entity cut in half, form-encodable, and a terminal rendering
// free of escape sequences. test/core/card-safety.test.ts feeds it generated sign-ins and alarms, the fuzz
// (test/fuzz) whatever the decoder makes of mutated inputs.
import { LIMITS, type SlackMessage, type TextObject } from '../../bot/core/render/blocks';
import { cardToText } from '../../bot/core/render/card-text';
import { cardTexts } from './card-texts';

/** Slack's limits the LIMITS table leaves out: https://api.slack.com/reference/block-kit/block-elements#button */
const BUTTON_TEXT = 75;
const BUTTON_VALUE = 2000;

// Sequences the bot writes itself: date tokens, the CloudTrail link, and mentions of the people acting on
// an alert (the fuzz uses ids starting U0ACT).
const DATE_TOKEN = /<!date\^-?\d+\^(?:\{[a-z_]+\} ?)+\|[-+0-9T:.Z]+>/g;
const CLOUDTRAIL_LINK =
  /<https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudtrailv2\/home\?region=[a-z0-9-]+#\/events\/[A-Za-z0-9-]+\|View in CloudTrail>/g;
const ACTOR_MENTION = /<@U0ACT[A-Z0-9]*>/g;

const withoutOurs = (text: string): string =>
  text.replace(DATE_TOKEN, '').replace(CLOUDTRAIL_LINK, '').replace(ACTOR_MENTION, '');

const LONE_SURROGATE = /\p{Cs}/u;
// ESC and CSI start terminal escape sequences; other controls (bar the line break) have no place either.
const TERMINAL_CONTROL = /(?!\n)\p{Cc}/u;
const BIDI_OR_INVISIBLE = /[\u061C\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

/** Problems with one piece of mrkdwn the bot writes (a card text, a thread line). */
export const mrkdwnProblems = (text: string): string[] => {
  const found: string[] = [];
  const rest = withoutOurs(text);
  if (/<[!@#]/.test(rest)) found.push(`unescaped mention in mrkdwn: ${JSON.stringify(text.slice(0, 120))}`);
  if (/<(https?|mailto):/.test(rest))
    found.push(`unescaped link in mrkdwn: ${JSON.stringify(text.slice(0, 120))}`);
  if (/[<>]/.test(rest)) found.push(`unescaped < or > in mrkdwn: ${JSON.stringify(text.slice(0, 120))}`);
  if (/&(a|am|l|g|lt|gt)?…/.test(text)) found.push('entity cut in half in mrkdwn');
  found.push(...characterProblems(text, 'mrkdwn'));
  return found;
};

/** Characters no text the bot shows may hold, whatever a record held. */
const characterProblems = (text: string, where: string): string[] => [
  ...(LONE_SURROGATE.test(text) ? [`lone surrogate in ${where}`] : []),
  ...(BIDI_OR_INVISIBLE.test(text) ? [`bidi or invisible character in ${where}`] : []),
  ...(TERMINAL_CONTROL.test(text) ? [`control character in ${where}`] : []),
];

const textProblems = (t: TextObject): string[] => {
  if (t.type === 'mrkdwn') {
    const found = mrkdwnProblems(t.text);
    // Without verbatim Slack links bare URLs, e-mail addresses and #channel names found in record text.
    if (t.verbatim !== true) found.push('mrkdwn without verbatim');
    return found;
  }
  const found: string[] = [];
  if (/[<>]/.test(t.text)) found.push(`angle bracket in plain_text: ${JSON.stringify(t.text.slice(0, 120))}`);
  found.push(...characterProblems(t.text, 'plain_text'));
  if (t.emoji !== false) found.push('plain_text turns :codes: into emoji');
  return found;
};

/** Every problem with one card, as readable strings (empty when the card is fine). */
export const cardProblems = (card: SlackMessage): string[] => {
  const found: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) found.push(what);
  };
  check(card.blocks.length <= LIMITS.blocks, 'too many blocks');
  check(card.text.length >= 1 && card.text.length <= LIMITS.fallbackText, 'fallback text length');
  found.push(...mrkdwnProblems(card.text).map((p) => `fallback: ${p}`));
  for (const b of card.blocks) {
    if (b.type === 'header')
      check(
        b.text.type === 'plain_text' && b.text.text.length <= LIMITS.headerText,
        'header not short plain_text',
      );
    if (b.type === 'section') {
      check((b.text?.text.length ?? 0) <= LIMITS.sectionText, 'section text too long');
      check((b.fields?.length ?? 0) <= LIMITS.fields, 'too many fields');
      for (const f of b.fields ?? []) check(f.text.length <= LIMITS.fieldText, 'field too long');
    }
    if (b.type === 'context') {
      check(b.elements.length <= LIMITS.contextElements, 'too many context elements');
      for (const e of b.elements) check(e.text.length <= LIMITS.contextText, 'context text too long');
    }
    if (b.type === 'actions')
      for (const button of b.elements) {
        check(button.text.text.length <= BUTTON_TEXT, 'button text too long');
        check((button.value ?? '').length <= BUTTON_VALUE, 'button value too long');
        found.push(...textProblems(button.text));
      }
  }
  for (const t of cardTexts(card)) {
    check(t.text.length >= 1, 'empty text object');
    found.push(...textProblems(t));
  }
  try {
    encodeURIComponent(JSON.stringify(card));
  } catch {
    found.push('cannot be form-encoded');
  }
  const terminal = cardToText(card);
  check(!TERMINAL_CONTROL.test(terminal), 'control character in the terminal rendering');
  check(!LONE_SURROGATE.test(terminal), 'lone surrogate in the terminal rendering');
  return found;
};
