// What must hold for any card the bot draws, whatever the record held: within Block Kit's limits, no
// mention or link in mrkdwn but the bot's own, no angle bracket in plain_text, no lone surrogate, and a
// terminal rendering free of escape sequences. test/core/card-safety.test.ts checks the same idea on
// hand-built sign-ins; this one is fed by the decoder.
import { LIMITS, type SlackMessage, type TextObject } from '../../bot/core/render/blocks';
import { cardToText } from '../../bot/core/render/card-text';
import { cardTexts } from '../helpers/card-texts';

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

/** Problems with one piece of mrkdwn the bot writes (a card text, a thread line). */
export const mrkdwnProblems = (text: string): string[] => {
  const found: string[] = [];
  const rest = withoutOurs(text);
  if (/<[!@#]/.test(rest)) found.push(`unescaped mention in mrkdwn: ${JSON.stringify(text.slice(0, 120))}`);
  if (/<(https?|mailto):/.test(rest))
    found.push(`unescaped link in mrkdwn: ${JSON.stringify(text.slice(0, 120))}`);
  if (/[<>]/.test(rest)) found.push(`unescaped < or > in mrkdwn: ${JSON.stringify(text.slice(0, 120))}`);
  if (LONE_SURROGATE.test(text)) found.push('lone surrogate in mrkdwn');
  return found;
};

const textProblems = (t: TextObject): string[] => {
  if (t.type === 'mrkdwn') {
    const found = mrkdwnProblems(t.text);
    // Without verbatim Slack links bare URLs, e-mail addresses and #channel names found in record text.
    if (t.verbatim !== true) found.push('mrkdwn without verbatim');
    return found;
  }
  const found: string[] = [];
  if (/[<>]/.test(t.text)) found.push(`angle bracket in plain_text: ${JSON.stringify(t.text.slice(0, 120))}`);
  if (LONE_SURROGATE.test(t.text)) found.push('lone surrogate in plain_text');
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
    if (b.type === 'header') check(b.text.text.length <= LIMITS.headerText, 'header too long');
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
  const terminal = cardToText(card);
  check(!TERMINAL_CONTROL.test(terminal), 'control character in the terminal rendering');
  check(!LONE_SURROGATE.test(terminal), 'lone surrogate in the terminal rendering');
  return found;
};
