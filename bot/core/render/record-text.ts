// Record text made fit to show. Every string a record carries passes here before a card is built:
// lone UTF-16 surrogates (Slack's client form-encoding throws "URI malformed" on them), control
// characters (terminal escapes in dry runs), bidirectional overrides and invisible format characters
// (a U+202E in a user name reorders the card; a zero-width space makes "ro​ot" look like "root").

/** What a neutralised character becomes: visible, so a spoofing attempt shows instead of hiding. */
export const REPLACEMENT = '\uFFFD';

const ZWJ = '\u200D';
// Controls, format characters (bidi marks, embeddings, overrides and isolates, zero-width characters,
// BOM, tags), lone surrogates, and the line and paragraph separators.
const SUSPECT = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
const HAS_SUSPECT = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
// Printable ASCII has none of them, and most record text is that: a check far cheaper than the Unicode classes.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// Record values are one line on a card: a line break could forge a second label ("Outcome: …").
const LINE_BREAKS = new Set(['\t', '\n', '\v', '\f', '\r', '\u0085', '\u2028', '\u2029']);
const PICTOGRAPH_BEFORE = /\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?$/u;
const PICTOGRAPH_AFTER = /^\p{Extended_Pictographic}/u;

/** A zero-width joiner inside an emoji sequence (👩‍💻) is kept; anywhere else it only hides things. */
const joinsEmoji = (whole: string, at: number): boolean =>
  PICTOGRAPH_BEFORE.test(whole.slice(Math.max(0, at - 4), at)) &&
  PICTOGRAPH_AFTER.test(whole.slice(at + 1, at + 3));

/**
 * Line breaks and tabs become a space; every other control, format character and lone surrogate
 * becomes U+FFFD. Never lengthens the text (each replaced unit or pair becomes one unit).
 */
export const neutralize = (text: string): string => {
  if (PRINTABLE_ASCII.test(text) || !HAS_SUSPECT.test(text)) return text;
  return text.replace(SUSPECT, (ch: string, at: number, whole: string) => {
    if (LINE_BREAKS.has(ch)) return ' ';
    if (ch === ZWJ && joinsEmoji(whole, at)) return ch;
    return REPLACEMENT;
  });
};

/** No card shows more than a few thousand characters of one value; longer text is cut before work. */
const MAX_RECORD_STRING = 8192;

/**
 * The boundary: a record (a sign-in, an alarm notification) with every string property neutralised
 * and capped. Other properties are kept as they are.
 */
export const sanitizeRecord = <T extends object>(record: T): T => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = typeof value === 'string' ? neutralize(value.slice(0, MAX_RECORD_STRING)) : value;
  }
  return out as T;
};
