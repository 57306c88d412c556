// Record values reach the user's terminal in dry runs, `parse` output and error lines. A user agent can
// carry escape sequences (hyperlinks, cursor moves, a cleared screen) or bidirectional overrides that
// reorder what is shown, so nothing from a record reaches the terminal raw.

/** C0 controls but newline, DEL, C1 controls (0x9b alone starts a sequence on some terminals). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this module's job.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
/** Bidirectional embeddings, overrides and isolates, and the marks that steer them. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, width: number): string =>
  (c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(width, '0');

/**
 * Text safe to print: C0 controls become their Control Pictures glyph (ESC → ␛, CR → ␍), DEL → ␡, C1
 * controls `\x9B`, bidi controls `<U+202E>`. Newlines stay: cards span lines.
 */
export const terminalSafe = (text: string): string =>
  text
    .replace(CONTROL, (c) => {
      const code = c.charCodeAt(0);
      if (code < 0x20) return String.fromCharCode(0x2400 + code);
      if (code === 0x7f) return '\u2421';
      return `\\x${hex(c, 2)}`;
    })
    .replace(BIDI, (c) => `<U+${hex(c, 4)}>`);

/** Terminal-safe text on one line: newlines shown as ␊ too (error messages quote input). */
export const terminalSafeLine = (text: string): string => terminalSafe(text).replace(/\n/g, '\u240a');

/**
 * A JSON line safe to print, meaning the same: JSON.stringify escapes C0 controls but leaves C1 and bidi
 * controls raw, so they are written as \u escapes (they only occur inside strings).
 */
export const jsonSafe = (json: string): string =>
  json.replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
    (c) => `\\u${hex(c, 4).toLowerCase()}`,
  );
