// JSON text to values, keeping positions. `parseJson` is the one parse-or-fail step for every JSON string
// the decoder meets; `JsonStreamReader` splits a stream of concatenated values (JSON lines, the
// pretty-printed records `jq '.Records[]'` prints one after another), fed in pieces of any size, resyncs
// after a bad one, and reads the elements of a big Records/Events/array file one by one, so that memory
// stays bounded whatever the input's size.

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
const COMMA = 0x2c;
const NEWLINE = 0x0a;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === NEWLINE || c === 0x0d;
const opensValue = (c: number): boolean => c === OPEN_BRACE || c === OPEN_BRACKET;

const skipSpace = (text: string, from: number): number => {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i += 1;
  return i;
};

/** Far above any CloudTrail record: a value or record still open past this many characters is not held. */
export const STREAM_WINDOW_CHARS = 16 * 1024 * 1024;
/**
 * A log file still open past this many characters is read record by record. Below it the file is read whole
 * (as it always was); above, waiting costs a copy of the text per piece read (V8 flattens the string).
 */
export const CONTAINER_WHOLE_CHARS = 1024 * 1024;

/** The files read element by element once they outgrow the window: `[…]`, `{"Records":[…]}`, `{"Events":[…]}`. */
export type ContainerKind = 'array' | 'Records' | 'Events';

export type StreamEvent =
  /** A whole top-level value, good or bad. */
  | { readonly type: 'entry'; readonly entry: StreamEntry }
  /** A container read element by element; the elements and cuts that follow are its own. */
  | {
      readonly type: 'open';
      readonly container: ContainerKind;
      readonly line: number;
      readonly column: number;
      /** No value came before it. */
      readonly first: boolean;
    }
  | { readonly type: 'element'; readonly index: number; readonly parsed: JsonParse }
  /** The container stops early (the input ends, or is not JSON there): at element `index`, or after the array. */
  | { readonly type: 'cut'; readonly index: number | null; readonly reason: string };

interface Scan {
  i: number;
  depth: number;
  inString: boolean;
}

const scanFrom = (i: number, depth = 0): Scan => ({ i, depth, inString: false });

/**
 * Scans on from where `scan` stopped: the end (exclusive) of the value once its brackets balance, or the index
 * of a `,`, `]` or `}` met outside any bracket (the end of a bare element); -1 when `limit` comes first.
 */
const scanValue = (text: string, scan: Scan, limit: number): number => {
  let { i, depth, inString } = scan;
  for (; i < limit; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth += 1;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return i;
      depth -= 1;
      if (depth === 0) return i + 1;
    } else if (c === COMMA && depth === 0) return i;
  }
  Object.assign(scan, { i, depth, inString });
  return -1;
};

const CONTAINER = /\[|\{\s*"(Records|Events)"\s*:\s*\[/y;

interface Value {
  start: number;
  scan: Scan;
  readonly opens: boolean;
  /** Where to look on for the next line that starts a value, and that line's start once found (-1 before). */
  resyncFrom: number;
  resync: number;
}

interface Elements {
  readonly kind: ContainerKind;
  index: number;
  phase: 'before' | 'in' | 'after' | 'outer';
  afterComma: boolean;
  start: number;
  scan: Scan;
  valueEnd: number;
}

const END_IN_ARRAY = 'the input ends before the array closes (cut short?)';
const END_IN_OBJECT = 'the input ends before the file closes (cut short?)';

/**
 * Every top-level value of a stream of concatenated JSON values, in order, good or bad, from text given in
 * pieces (`push`, then `end`). A value runs to its closing bracket; a bad one runs to the next line that
 * starts (column 1) with `{` or `[` — JSON lines and jq's output start every value there; the inside of a
 * pretty-printed value is indented — so one bad value never swallows the good ones after it. Once a value
 * has run to the end unclosed, later values are only looked for up to that point (one pass, not one per
 * line). A log file still open after CONTAINER_WHOLE_CHARS (or at the end: a file cut short) is read
 * element by element, so that only the element being read is held, and a cut loses only its tail.
 */
export class JsonStreamReader {
  private text = '';
  private pos = 0;
  private bounded = false;
  private values = 0;
  private current: Value | null = null;
  private elements: Elements | null = null;
  private skipping = false;
  private line = 1;
  private lineStart = 0;
  private counted = 0;
  private events: StreamEvent[] = [];

  push(text: string): StreamEvent[] {
    this.text += text;
    return this.drain(false);
  }

  end(text = ''): StreamEvent[] {
    this.text += text;
    return this.drain(true);
  }

  private drain(final: boolean): StreamEvent[] {
    while (this.skipping ? this.skip(final) : this.elements ? this.element(final) : this.top(final));
    this.compact();
    const out = this.events;
    this.events = [];
    return out;
  }

  private top(final: boolean): boolean {
    if (!this.current) {
      this.pos = skipSpace(this.text, this.pos);
      if (this.pos >= this.text.length) return false;
      const opens = opensValue(this.text.charCodeAt(this.pos));
      this.current = { start: this.pos, scan: scanFrom(this.pos), opens, resyncFrom: this.pos, resync: -1 };
    }
    const v = this.current;
    if (!v.opens) {
      const resync = this.resyncOf(v, final);
      if (resync !== -1) return this.cut(v, resync);
      return this.text.length - v.start > STREAM_WINDOW_CHARS && this.tooLarge(v);
    }
    const resync = this.bounded ? this.resyncOf(v, final) : -1;
    const close = scanValue(this.text, v.scan, resync === -1 ? this.text.length : resync);
    if (close !== -1) return this.whole(v, close);
    if (resync !== -1) return this.cut(v, resync);
    if (final) return this.open(v) || this.cut(v, this.resyncOf(v, true));
    const held = this.text.length - v.start;
    if (held > CONTAINER_WHOLE_CHARS && this.open(v)) return true;
    if (held <= STREAM_WINDOW_CHARS) return false;
    const cutAt = this.resyncOf(v, false);
    return cutAt !== -1 ? this.cut(v, cutAt) : this.tooLarge(v);
  }

  /** The start of the first line after the value's start that starts a value; -1 when not known yet. */
  private resyncOf(v: Value, final: boolean): number {
    if (v.resync !== -1) return v.resync;
    let i = this.text.indexOf('\n', v.resyncFrom);
    while (i !== -1 && i + 1 < this.text.length) {
      if (opensValue(this.text.charCodeAt(i + 1))) {
        v.resync = i + 1;
        return v.resync;
      }
      i = this.text.indexOf('\n', i + 1);
    }
    // A newline at the very end may yet start a value: look at it again when more text comes.
    v.resyncFrom = i === -1 ? this.text.length : i;
    return final ? this.text.length : -1;
  }

  /** A value that closed: kept when it parses, else rejected up to its close or the next value's line. */
  private whole(v: Value, close: number): boolean {
    const parsed = parseJson(this.text.slice(v.start, close));
    if (parsed.ok) return this.entry(v, parsed, close);
    const resync = this.resyncOf(v, false);
    const end = resync === -1 ? close : Math.min(close, resync);
    return this.entry(v, end === close ? parsed : parseJson(this.text.slice(v.start, end).trimEnd()), end);
  }

  /** A value that did not close before `end`: what is there, parsed (a bare scalar may still be good). */
  private cut(v: Value, end: number): boolean {
    this.bounded = true;
    return this.entry(v, parseJson(this.text.slice(v.start, end).trimEnd()), end);
  }

  private tooLarge(v: Value): boolean {
    const limit = `${STREAM_WINDOW_CHARS / (1024 * 1024)} MB`;
    this.entry(
      v,
      { ok: false, reason: `a value longer than ${limit} that is not a log file`, offset: null },
      v.start,
    );
    this.skipping = true;
    this.bounded = true;
    this.pos = v.start + 1;
    return true;
  }

  private entry(v: Value, parsed: JsonParse, end: number): boolean {
    this.events.push({
      type: 'entry',
      entry: parsed.ok
        ? { ok: true, value: parsed.value, ...this.where(v.start) }
        : {
            ok: false,
            reason: parsed.reason,
            exact: parsed.offset !== null,
            ...this.where(v.start + (parsed.offset ?? 0)),
          },
    });
    this.values += 1;
    this.current = null;
    this.pos = end;
    return true;
  }

  /** Starts reading a container element by element; false when the value is not one. */
  private open(v: Value): boolean {
    CONTAINER.lastIndex = v.start;
    const match = CONTAINER.exec(this.text);
    if (!match) return false;
    const kind = (match[1] as 'Records' | 'Events' | undefined) ?? 'array';
    this.events.push({ type: 'open', container: kind, first: this.values === 0, ...this.where(v.start) });
    this.values += 1;
    this.current = null;
    this.pos = CONTAINER.lastIndex;
    this.elements = {
      kind,
      index: 0,
      phase: 'before',
      afterComma: false,
      start: 0,
      scan: scanFrom(0),
      valueEnd: 0,
    };
    return true;
  }

  private element(final: boolean): boolean {
    const el = this.elements as Elements;
    const text = this.text;
    if (el.phase === 'outer') {
      const close = el.kind === 'array' ? this.pos : scanValue(text, el.scan, text.length);
      if (close !== -1) return this.closeContainer(close);
      if (final) this.stopContainer(null, END_IN_OBJECT, text.length);
      return false;
    }
    if (el.phase === 'in') {
      const end = scanValue(text, el.scan, text.length);
      if (end !== -1) {
        el.valueEnd = end;
        el.phase = 'after';
        this.pos = end;
        return true;
      }
      if (final) {
        const parsed = parseJson(text.slice(el.start).trimEnd());
        this.events.push({ type: 'element', index: el.index, parsed });
        if (parsed.ok) this.stopContainer(el.index + 1, END_IN_ARRAY, text.length);
        else this.closeContainer(text.length);
        return false;
      }
      if (text.length - el.start <= STREAM_WINDOW_CHARS) return false;
      const reason = `a record longer than ${STREAM_WINDOW_CHARS / (1024 * 1024)} MB`;
      this.events.push({ type: 'element', index: el.index, parsed: { ok: false, reason, offset: null } });
      return this.abandon(el.start + 1);
    }
    this.pos = skipSpace(text, this.pos);
    if (this.pos >= text.length) {
      if (!final) return false;
      if (el.phase === 'after') this.emitElement(el);
      this.stopContainer(el.phase === 'after' ? el.index + 1 : el.index, END_IN_ARRAY, text.length);
      return false;
    }
    const c = text.charCodeAt(this.pos);
    if (el.phase === 'before') {
      if (c === CLOSE_BRACKET && !el.afterComma) return this.afterArray(el);
      el.start = this.pos;
      el.scan = scanFrom(this.pos);
      el.phase = 'in';
      return true;
    }
    this.emitElement(el);
    if (c === COMMA) {
      el.index += 1;
      el.afterComma = true;
      el.phase = 'before';
      this.pos += 1;
      return true;
    }
    if (c === CLOSE_BRACKET) return this.afterArray(el);
    this.events.push({
      type: 'cut',
      index: el.index + 1,
      reason: `expected ',' or ']' after element ${el.index}`,
    });
    return this.abandon(this.pos);
  }

  private emitElement(el: Elements): void {
    this.events.push({
      type: 'element',
      index: el.index,
      parsed: parseJson(this.text.slice(el.start, el.valueEnd)),
    });
  }

  private afterArray(el: Elements): boolean {
    this.pos += 1;
    el.phase = 'outer';
    // Inside the file's object still: on to its closing brace.
    el.scan = scanFrom(this.pos, 1);
    return true;
  }

  private closeContainer(end: number): boolean {
    this.elements = null;
    this.pos = end;
    return true;
  }

  private stopContainer(index: number | null, reason: string, end: number): void {
    this.events.push({ type: 'cut', index, reason });
    this.closeContainer(end);
  }

  /** The container is not JSON from here: what follows is read as values again from the next value's line. */
  private abandon(from: number): boolean {
    this.elements = null;
    this.skipping = true;
    this.bounded = true;
    this.pos = from;
    return true;
  }

  private skip(final: boolean): boolean {
    let i = this.text.indexOf('\n', this.pos);
    while (i !== -1 && i + 1 < this.text.length) {
      if (opensValue(this.text.charCodeAt(i + 1))) {
        this.skipping = false;
        this.pos = i + 1;
        return true;
      }
      i = this.text.indexOf('\n', i + 1);
    }
    this.pos = i === -1 || final ? this.text.length : i;
    return false;
  }

  /** 1-based line and column of an offset, counting forward (offsets only grow). */
  private where(target: number): { line: number; column: number } {
    const { text } = this;
    for (let i = text.indexOf('\n', this.counted); i !== -1 && i < target; i = text.indexOf('\n', i + 1)) {
      this.line += 1;
      this.lineStart = i + 1;
    }
    this.counted = Math.max(this.counted, target);
    return { line: this.line, column: target - this.lineStart + 1 };
  }

  /** Drops the text behind everything still being read: memory holds one value or element, not the input. */
  private compact(): void {
    const el = this.elements;
    const keep = Math.min(
      this.pos,
      this.current?.start ?? this.pos,
      el && (el.phase === 'in' || el.phase === 'after') ? el.start : this.pos,
    );
    if (keep === 0) return;
    this.where(keep);
    this.text = this.text.slice(keep);
    this.pos -= keep;
    this.counted -= keep;
    this.lineStart -= keep;
    const v = this.current;
    if (v) {
      v.start -= keep;
      v.scan.i -= keep;
      v.resyncFrom -= keep;
      if (v.resync !== -1) v.resync -= keep;
    }
    if (el) {
      el.start -= keep;
      el.scan.i -= keep;
      el.valueEnd -= keep;
    }
  }
}
