// Clipping that never splits a character. Lengths are UTF-16 units (what Slack's limits are checked
// against, and never less than the code point count), but a cut lands on a grapheme boundary: an
// emoji, a flag or a letter with its accents stays whole or goes whole.

export const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// Grapheme boundaries depend on nearby characters only, so only a window around the cut is segmented
// (long runs of flags aside, whose pairing depends on the whole run: there a cut may split a flag
// into its two letters, which is still well-formed text).
const CONTEXT = 32;

const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/** The longest prefix of `text` of at most `max` UTF-16 units that ends between two graphemes. */
export const prefixWithin = (text: string, max: number): string => {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let start = Math.max(0, max - CONTEXT);
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start -= 1;
  let end = 0;
  for (const { index, segment } of graphemes.segment(text.slice(start, max + CONTEXT))) {
    if (start + index + segment.length > max) break;
    end = start + index + segment.length;
  }
  if (end > 0) return text.slice(0, end);
  // One grapheme longer than the window (a letter under dozens of accents): cut by code point.
  return text.slice(0, isLowSurrogate(text.charCodeAt(max)) ? max - 1 : max);
};

/** `text` within `max` UTF-16 units, with an ellipsis when something was cut. */
export const clip = (text: string, max: number): string =>
  text.length <= max ? text : prefixWithin(text, max - ELLIPSIS.length) + ELLIPSIS;
