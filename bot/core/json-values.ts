// JSON text to values, keeping positions. `parseJson` is the one parse-or-fail step for every JSON string
// the decoder meets; `readJsonStream` splits a stream of concatenated values (JSON lines, the
// pretty-printed records `jq '.Records[]'` prints one after another) and resyncs after a bad one.

export type JsonParse =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string; readonly offset: number | null };

// C0/C1 controls, bidirectional overrides and lone surrogates: written as \u escapes in messages, so a
// rejection line can never drive a terminal or reorder what a reader sees.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

export const printable = (text: string): string =>
  text.replace(UNPRINTABLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** V8's message without the echoed input (attacker text, possibly megabytes) and without its position. */
const reasonOf = (message: string): { reason: string; offset: number | null } => {
  const at = /at position (\d+)/.exec(message);
  const reason = message
    .replace(/\s*\(line \d+ column \d+\)$/, '')
    .replace(/ in JSON at position \d+/, '')
    .replace(/^(Unexpected token '[\s\S]*?'), [\s\S]* is not valid JSON$/, '$1');
  return { reason: printable(Array.from(reason).slice(0, 200).join('')), offset: at ? Number(at[1]) : null };
};

export const parseJson = (text: string): JsonParse => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, ...reasonOf(describe(err)) };
  }
};

export type StreamEntry =
  | { readonly ok: true; readonly value: unknown; readonly line: number; readonly column: number }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly line: number;
      readonly column: number;
      /** True when line and column point at the error, false when they point at the bad value's start. */
      readonly exact: boolean;
    };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === NEWLINE || c === 0x0d;
const opensValue = (c: number): boolean => c === OPEN_BRACE || c === OPEN_BRACKET;

const skipSpace = (text: string, from: number): number => {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i += 1;
  return i;
};

/** End (exclusive) of the object or array opening at `start`, or -1 when it does not close before `limit`. */
const closingOf = (text: string, start: number, limit: number): number => {
  let depth = 0;
  let inString = false;
  for (let i = start; i < limit; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth += 1;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
};

/**
 * Where to pick up after a bad value: the next line that starts (column 1) with `{` or `[`. JSON lines
 * and jq's output start every value there; the inside of a pretty-printed value is indented.
 */
const resyncAfter = (text: string, from: number): number => {
  let i = text.indexOf('\n', from);
  while (i !== -1) {
    if (opensValue(text.charCodeAt(i + 1))) return i + 1;
    i = text.indexOf('\n', i + 1);
  }
  return text.length;
};

/** Offset → 1-based line and column, counting forward from the last answer (offsets mostly grow). */
const lineCounter = (text: string) => {
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  return (target: number): { line: number; column: number } => {
    if (target < offset) {
      offset = 0;
      line = 1;
      lineStart = 0;
    }
    for (let i = text.indexOf('\n', offset); i !== -1 && i < target; i = text.indexOf('\n', i + 1)) {
      line += 1;
      lineStart = i + 1;
    }
    offset = target;
    return { line, column: target - lineStart + 1 };
  };
};

/** Every top-level value of a stream of concatenated JSON values, in order, good or bad. */
export const readJsonStream = (text: string): StreamEntry[] => {
  const entries: StreamEntry[] = [];
  const where = lineCounter(text);
  let pos = skipSpace(text, 0);
  // Once a value has run to the end of the text unclosed, later values are only looked for up to the
  // next resync point: a file of unclosed `{` lines costs one pass, not one pass per line.
  let bounded = false;
  while (pos < text.length) {
    const resync = resyncAfter(text, pos);
    const close = opensValue(text.charCodeAt(pos))
      ? closingOf(text, pos, bounded ? resync : text.length)
      : -1;
    if (close === -1) bounded = true;
    const whole = close === -1 ? null : parseJson(text.slice(pos, close));
    if (whole?.ok) {
      entries.push({ ok: true, value: whole.value, ...where(pos) });
      pos = skipSpace(text, close);
      continue;
    }
    // Not a value, or a broken one: it runs to its close or to the next line that starts a value,
    // whichever comes first, so one bad value never swallows the good ones after it.
    const end = close === -1 ? resync : Math.min(close, resync);
    const parsed = whole && end === close ? whole : parseJson(text.slice(pos, end).trimEnd());
    if (parsed.ok) entries.push({ ok: true, value: parsed.value, ...where(pos) });
    else {
      const exact = parsed.offset !== null;
      entries.push({ ok: false, reason: parsed.reason, exact, ...where(pos + (parsed.offset ?? 0)) });
    }
    pos = skipSpace(text, end);
  }
  return entries;
};
