// Clipping that never splits a character. Lengths are UTF-16 units (what Slack's limits are checked
// against, and never less than the code point count), but a cut lands on a grapheme boundary: an
// emoji, a flag or a letter with its accents stays whole or goes whole.

export const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// Grapheme boundaries depend on nearby characters only; this much text past the cut is enough context.
const LOOKAHEAD = 32;

/** The longest prefix of `text` of at most `max` UTF-16 units that ends between two graphemes. */
export const prefixWithin = (text: string, max: number): string => {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = 0;
  for (const { index, segment } of graphemes.segment(text.slice(0, max + LOOKAHEAD))) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  if (end > 0) return text.slice(0, end);
  // One grapheme longer than the limit (a base letter under hundreds of accents): cut by code point.
  const high = text.charCodeAt(max - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max);
};

/** `text` within `max` UTF-16 units, with an ellipsis when something was cut. */
export const clip = (text: string, max: number): string =>
  text.length <= max ? text : prefixWithin(text, max - ELLIPSIS.length) + ELLIPSIS;
