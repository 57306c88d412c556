// The words of `/signins` and of `signins query|silence|silences|unsilence`: a query's window and filters, a
// silence's matchers and times, the silence list and unsilence. Durations are read by `ms`, addresses and
// CIDR ranges by ip-range.ts (ipaddr.js); nothing here is a hand-written number or address parser.
import ms from 'ms';
import { countryName } from './country-places';
import { normalizeIpRange } from './ip-range';
import type { QueryFilters, QueryWindow } from './query';
import { clip } from './render/clip';
import type { Matcher, MatcherField } from './silence-types';

export type SlashCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'query';
      readonly window: QueryWindow;
      readonly filters: QueryFilters;
      readonly public: boolean;
    }
  | {
      readonly kind: 'silence';
      readonly matchers: Matcher[];
      readonly startsAt?: string;
      readonly durationMs: number;
      readonly reason: string;
    }
  | { readonly kind: 'silences' }
  | { readonly kind: 'unsilence'; readonly id: string }
  | { readonly kind: 'invalid'; readonly problem: string; readonly usage: string };

// Plain text shown inside a code block, unescaped: it must hold no &, < or >.
export const USAGE = [
  '/signins                         this help',
  '/signins last 24h                sign-ins of the last 24 hours (also 15m, 2h, 7d, 30d)',
  '/signins since 2026-11-01        sign-ins since a date (at most 90 days back)',
  '  filters: user NAME · ip ADDRESS-OR-CIDR · account ID-OR-NAME · region CODE',
  '           country CODE-OR-NAME · asn NUMBER (the network, e.g. AS15169)',
  '           failed · success · root · nomfa · public (answer in the channel)',
  '  e.g.     /signins last 7d user alice failed',
  '           /signins ip 203.0.113.0/24 ip 2001:db8::/32 public',
  '           /signins last 24h country jp country "united states" asn AS15169',
  '/signins silence MATCHERS [starting TIME | starting in 2h] for 4h because REASON',
  '  matchers: user NAME · root · type nonroot|iam|role|federated|sso|unknown · account ID',
  '            ip ADDRESS-OR-CIDR · region CODE · failed · success · agent "TEXT"',
  '  e.g.     /signins silence user alice type nonroot for 4h because pen test, ticket SEC-12',
  '           /signins silence ip 198.51.100.0/24 type nonroot starting 2026-11-20T09:00Z for 8h because office move',
  '/signins silences                the silences, active and pending',
  '/signins unsilence s-7f3a2c      end a silence early',
].join('\n');

const DAY = 86_400_000;
/** CloudTrail event history keeps 90 days: nothing older can be answered. */
const MAX_LOOKBACK_MS = 90 * DAY;
/** Past a year a silence's time is a typo; the bound also keeps start + duration a valid date for the caller. */
const MAX_SILENCE_TIME_MS = 366 * DAY;
const DEFAULT_WINDOW: QueryWindow = { kind: 'last', ms: DAY, text: 'last 24h' };

/** A mistake in the words, as the sentence the user reads; thrown inside this module only. */
class GrammarError extends Error {}

/** A word as the user wrote it, inside backticks, short, and unable to end the code span early. */
const shown = (word: string): string => `\`${clip(word.replace(/`/g, 'ˋ').replace(/\s+/g, ' '), 40)}\``;

const OPEN_QUOTES = '"“„';
const CLOSE_QUOTES = '"”“';
const QUOTES = `${OPEN_QUOTES}${CLOSE_QUOTES}`;

/**
 * Words split on white space, where "a quoted value" (straight or smart quotes, as Slack may send) is one
 * word; inside quotes a backslash keeps the next quote or backslash literal. Read lazily, so that the text
 * after `because` is taken as written.
 */
class Words {
  private at = 0;
  constructor(private readonly text: string) {}

  next(): string | null {
    const t = this.text;
    while (this.at < t.length && /\s/.test(t.charAt(this.at))) this.at += 1;
    if (this.at >= t.length) return null;
    const start = this.at;
    if (!OPEN_QUOTES.includes(t.charAt(start))) {
      while (this.at < t.length && !/\s/.test(t.charAt(this.at))) this.at += 1;
      return t.slice(start, this.at);
    }
    let value = '';
    for (this.at = start + 1; this.at < t.length; this.at += 1) {
      const c = t.charAt(this.at);
      if (CLOSE_QUOTES.includes(c)) {
        this.at += 1;
        return value;
      }
      const after = t.charAt(this.at + 1);
      if (c === '\\' && (after === '\\' || QUOTES.includes(after))) {
        value += after;
        this.at += 1;
      } else value += c;
    }
    throw new GrammarError(`The quote before ${shown(t.slice(start + 1))} is not closed.`);
  }

  peek(): string | null {
    const at = this.at;
    try {
      return this.next();
    } finally {
      this.at = at;
    }
  }

  rest(): string {
    const rest = this.text.slice(this.at);
    this.at = this.text.length;
    return rest;
  }
}

/** A value as `Words` reads it back: quoted when it is empty, holds white space or starts with a quote. */
const valueText = (value: string): string =>
  value === '' || /\s/.test(value) || QUOTES.includes(value.charAt(0))
    ? `"${value.replace(/\\/g, '\\\\').replace(new RegExp(`[${QUOTES}]`, 'g'), (q) => `\\${q}`)}"`
    : value;

/**
 * Slack sends `&`, `<` and `>` as entities and wraps what it recognises (`<mailto:a@b.c|a@b.c>`,
 * `<https://x|x>`): the user typed the visible text. https://api.slack.com/interactivity/slash-commands
 */
const fromSlack = (text: string): string =>
  text
    .replace(/<([^<>|]*)\|([^<>]*)>/g, '$2')
    .replace(/<((?:https?|mailto):[^<>|]*)>/gi, (_, url: string) => url.replace(/^mailto:/i, ''))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const valueAfter = (words: Words, keyword: string, example: string): string => {
  const value = words.next()?.trim();
  if (!value) throw new GrammarError(`Put a value after \`${keyword}\`, such as \`${keyword} ${example}\`.`);
  return value;
};

const parseMs = (text: string): number | undefined => {
  if (text === '' || text.length > 100) return undefined;
  const value = ms(text as ms.StringValue);
  return Number.isFinite(value) ? value : undefined;
};

/** "24h", "1.5d", "24 hours" (two words), "hour" (one of it). A bare number needs a unit: ms would read milliseconds. */
const readDuration = (
  words: Words,
  keyword: string,
  maxMs: number,
  tooLong: string,
): { ms: number; text: string } => {
  const first = valueAfter(words, keyword, '24h');
  let text = first;
  let value = parseMs(first);
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(first)) {
    const unit = words.peek();
    value = unit === null ? undefined : parseMs(`${first} ${unit}`);
    if (value === undefined)
      throw new GrammarError(`Give ${shown(first)} a unit, such as ${first}h or ${first}d.`);
    words.next();
    text = `${first} ${unit}`;
  } else if (value === undefined && /^[a-z]+$/i.test(first)) value = parseMs(`1 ${first}`);
  if (value === undefined)
    throw new GrammarError(`${shown(first)} is not a duration: write it like 15m, 2h or 7d.`);
  const rounded = Math.round(value);
  if (rounded <= 0) throw new GrammarError(`\`${keyword} ${clip(text, 40)}\` must be more than zero.`);
  if (rounded > maxMs) throw new GrammarError(`\`${keyword} ${clip(text, 40)}\` is too long: ${tooLong}.`);
  return { ms: rounded, text: text.toLowerCase() };
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** An ISO date ("2026-11-01", midnight UTC) or date-time ("2026-11-01T09:00Z"; UTC without an offset), or null. */
const isoFrom = (date: string, time: string | null): string | null => {
  const d = DATE.exec(date);
  const t = time === null ? null : TIME.exec(time);
  if (!d || (time !== null && !t)) return null;
  const [, hh = '00', mm = '00', ss = '00', frac = '', zone = 'Z'] = t ?? [];
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const at = Date.parse(`${date}T${hh}:${mm}:${ss}${frac.slice(0, 4)}${offset}`);
  // Date.parse rolls 2026-02-30 over into March: the day must be the one written.
  const day = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(at) || !Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== date)
    return null;
  return new Date(at).toISOString();
};

/** A date, a date-time, or a date and a time as two words. */
const readDateTime = (words: Words, keyword: string): { iso: string; text: string } => {
  const first = valueAfter(words, keyword, '2026-11-01');
  const t = first.search(/t/i);
  const date = t < 0 ? first : first.slice(0, t);
  let text = first;
  let iso = isoFrom(date, t < 0 ? null : first.slice(t + 1));
  const next = words.peek();
  if (iso !== null && first === date && next !== null && TIME.test(next)) {
    iso = isoFrom(date, next);
    words.next();
    text = `${first} ${next}`;
  }
  if (iso === null)
    throw new GrammarError(`${shown(text)} is not a date: write it like 2026-11-01 or 2026-11-01T09:00Z.`);
  return { iso, text };
};

const USER_EXAMPLE = 'alice';
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const readRegion = (words: Words, keyword: string): string => {
  const region = valueAfter(words, keyword, 'us-east-1').toLowerCase();
  if (!REGION.test(region))
    throw new GrammarError(`${shown(region)} is not a region code such as us-east-1.`);
  return region;
};

const readIp = (words: Words, keyword: string): string => {
  const text = valueAfter(words, keyword, '203.0.113.0/24');
  const range = normalizeIpRange(text);
  if (range === null)
    throw new GrammarError(
      `${shown(text)} is not an IP address or CIDR range such as 203.0.113.0/24 or 2001:db8::/32.`,
    );
  return range;
};

/** Codes by lower-case English name ("united states" → "US"), made on the first name asked. */
let codesByName: ReadonlyMap<string, string> | null = null;

const codeOfName = (name: string): string | null => {
  if (codesByName === null) {
    const byName = new Map<string, string>();
    for (const a of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
      for (const b of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
        const known = countryName(a + b);
        if (known) byName.set(known.toLowerCase(), a + b);
      }
    codesByName = byName;
  }
  return codesByName.get(name.trim().replace(/\s+/g, ' ').toLowerCase()) ?? null;
};

/** An ISO 3166-1 alpha-2 code in any case ("jp"), or a country's English name ("japan", "united states"). */
const readCountry = (words: Words, keyword: string): string => {
  const text = valueAfter(words, keyword, 'jp');
  if (/^[a-z]{2}$/i.test(text) && countryName(text) !== null) return text.toUpperCase();
  const code = text.length > 2 ? codeOfName(text) : null;
  if (code === null)
    throw new GrammarError(
      `${shown(text)} is not a country: use its two-letter code, such as JP or US, or its English name.`,
    );
  return code;
};

/** Autonomous system numbers are 32 bits (RFC 6793). */
const MAX_ASN = 4_294_967_295;

/** "15169" or "AS15169". */
const readAsn = (words: Words, keyword: string): number => {
  const text = valueAfter(words, keyword, 'AS15169');
  const digits = /^(?:as)?(\d{1,10})$/i.exec(text)?.[1];
  const asn = digits === undefined ? Number.NaN : Number(digits);
  if (!Number.isSafeInteger(asn) || asn > MAX_ASN)
    throw new GrammarError(`${shown(text)} is not an AS number such as 15169 or AS15169.`);
  return asn;
};

/** The console writes account ids as 1111-2222-3333. */
const accountId = (text: string): string | null => {
  const id = /^\d{4}-\d{4}-\d{4}$/.test(text) ? text.replace(/-/g, '') : text;
  return /^\d{12}$/.test(id) ? id : null;
};

const addOnce = <T>(list: T[], value: T): void => {
  if (!list.includes(value)) list.push(value);
};

const unknown = (word: string, what: string): GrammarError =>
  new GrammarError(`I don't know ${shown(word)}${what}.`);

const parseQuery = (words: Words, now: Date): SlashCommand => {
  let window: QueryWindow | null = null;
  const users: string[] = [];
  const ips: string[] = [];
  const accounts: string[] = [];
  const regions: string[] = [];
  const countries: string[] = [];
  const asns: number[] = [];
  let outcome: QueryFilters['outcome'];
  let rootOnly = false;
  let noMfaOnly = false;
  let inChannel = false;
  const setOutcome = (value: 'success' | 'failure'): void => {
    if (outcome !== undefined && outcome !== value)
      throw new GrammarError('`failed` and `success` together match nothing: keep one, or neither for both.');
    outcome = value;
  };
  for (let word = words.next(); word !== null; word = words.next()) {
    const key = word.toLowerCase();
    if ((key === 'last' || key === 'since') && window !== null)
      throw new GrammarError('Give one window, `last …` or `since …`, not two.');
    if (key === 'last') window = lastWindow(words);
    else if (key === 'since') window = sinceWindow(words, now);
    else if (key === 'user') addOnce(users, valueAfter(words, key, USER_EXAMPLE).toLowerCase());
    else if (key === 'ip') addOnce(ips, readIp(words, key));
    else if (key === 'account') {
      const value = valueAfter(words, key, '111122223333');
      addOnce(accounts, accountId(value) ?? value);
    } else if (key === 'region') addOnce(regions, readRegion(words, key));
    else if (key === 'country') addOnce(countries, readCountry(words, key));
    else if (key === 'asn') addOnce(asns, readAsn(words, key));
    else if (key === 'failed' || key === 'failure') setOutcome('failure');
    else if (key === 'success' || key === 'succeeded') setOutcome('success');
    else if (key === 'root') rootOnly = true;
    else if (key === 'nomfa' || key === 'no-mfa') noMfaOnly = true;
    else if (key === 'public') inChannel = true;
    else throw unknown(word, '');
  }
  const filters: QueryFilters = {
    users,
    ips,
    accounts,
    regions,
    countries,
    asns,
    ...(outcome ? { outcome } : {}),
    rootOnly,
    noMfaOnly,
  };
  return { kind: 'query', window: window ?? DEFAULT_WINDOW, filters, public: inChannel };
};

const lastWindow = (words: Words): QueryWindow => {
  const d = readDuration(words, 'last', MAX_LOOKBACK_MS, 'CloudTrail keeps 90 days of sign-ins');
  return { kind: 'last', ms: d.ms, text: `last ${d.text}` };
};

const sinceWindow = (words: Words, now: Date): QueryWindow => {
  const { iso, text } = readDateTime(words, 'since');
  const from = Date.parse(iso);
  if (from >= now.getTime()) throw new GrammarError(`\`since ${clip(text, 40)}\` is not in the past.`);
  if (now.getTime() - from > MAX_LOOKBACK_MS) {
    const earliest = new Date(Math.ceil((now.getTime() - MAX_LOOKBACK_MS) / DAY) * DAY)
      .toISOString()
      .slice(0, 10);
    throw new GrammarError(
      `\`since ${clip(text, 40)}\` is more than 90 days back, which CloudTrail does not keep: use a date from ${earliest} on.`,
    );
  }
  return { kind: 'since', from: iso, text: `since ${text}` };
};

const TYPE_WORDS: Readonly<Record<string, string>> = {
  root: 'Root',
  iam: 'IAMUser',
  iamuser: 'IAMUser',
  role: 'AssumedRole',
  assumedrole: 'AssumedRole',
  federated: 'FederatedUser',
  federateduser: 'FederatedUser',
  sso: 'IdentityCenterUser',
  'identity-center': 'IdentityCenterUser',
  identitycenteruser: 'IdentityCenterUser',
  unknown: 'Unknown',
  nonroot: '!Root',
  'non-root': '!Root',
};

/** One matcher from its keyword on, or null when `key` is not a matcher's keyword. */
const readMatcher = (key: string, words: Words): Matcher | null => {
  const matcher = (field: MatcherField, value: string): Matcher => ({ field, value });
  switch (key) {
    case 'user':
      return matcher('principal', valueAfter(words, key, USER_EXAMPLE).toLowerCase());
    case 'root':
      return matcher('identityType', 'Root');
    case 'type': {
      const word = valueAfter(words, key, 'nonroot');
      const type = TYPE_WORDS[word.toLowerCase()];
      if (!type)
        throw new GrammarError(
          `${shown(word)} is not an identity type: use root, iam, role, federated, sso, unknown or nonroot.`,
        );
      return matcher('identityType', type);
    }
    case 'account': {
      const value = valueAfter(words, key, '111122223333');
      const id = accountId(value);
      if (!id)
        throw new GrammarError(`Give the account of a silence as its 12-digit id, not ${shown(value)}.`);
      return matcher('account', id);
    }
    case 'ip':
      return matcher('sourceIp', readIp(words, key));
    case 'region':
      return matcher('region', readRegion(words, key));
    case 'failed':
    case 'failure':
      return matcher('outcome', 'failure');
    case 'success':
    case 'succeeded':
      return matcher('outcome', 'success');
    case 'agent':
      return matcher('userAgent', valueAfter(words, key, '"curl/8"'));
    default:
      return null;
  }
};

const matcherText = (m: Matcher): string => {
  if (m.field === 'identityType') {
    if (m.value === 'Root') return 'root';
    const word = Object.keys(TYPE_WORDS).find((w) => TYPE_WORDS[w] === m.value);
    return `type ${word ?? valueText(m.value)}`;
  }
  if (m.field === 'outcome')
    return m.value === 'failure' ? 'failed' : m.value === 'success' ? 'success' : m.value;
  const keyword = {
    principal: 'user',
    account: 'account',
    sourceIp: 'ip',
    region: 'region',
    userAgent: 'agent',
  };
  return `${keyword[m.field]} ${valueText(m.value)}`;
};

/** The words that give back these matchers: `user alice type nonroot ip 203.0.113.0/24`. */
export const matchersText = (matchers: readonly Matcher[]): string => matchers.map(matcherText).join(' ');

// A silence needs every matcher to hold: two values of one of these can never both hold.
const ONE_VALUE_FIELDS: readonly MatcherField[] = ['principal', 'account', 'region', 'outcome'];

const contradiction = (matchers: readonly Matcher[]): string | null => {
  for (const field of ONE_VALUE_FIELDS) {
    const [a, b] = matchers.filter((m) => m.field === field);
    if (a && b) return `\`${matcherText(a)}\` and \`${matcherText(b)}\``;
  }
  const types = matchers.filter((m) => m.field === 'identityType');
  const concrete = types.filter((m) => m.value !== '!Root');
  const [a, b] = concrete.length > 1 ? concrete : concrete.some((m) => m.value === 'Root') ? types : [];
  return a && b ? `\`${matcherText(a)}\` and \`${matcherText(b)}\`` : null;
};

const NO_MATCHER =
  'Name at least one matcher, such as `user alice` or `ip 203.0.113.0/24`, to say what to silence.';

/** Matchers until a word that is not one; that word is returned for the caller to read. */
const readMatchers = (words: Words, matchers: Matcher[]): string | null => {
  for (let word = words.next(); word !== null; word = words.next()) {
    const m = readMatcher(word.toLowerCase(), words);
    if (!m) return word;
    if (!matchers.some((x) => x.field === m.field && x.value === m.value)) matchers.push(m);
  }
  return null;
};

const checkMatchers = (matchers: readonly Matcher[]): void => {
  if (matchers.length === 0) throw new GrammarError(NO_MATCHER);
  const both = contradiction(matchers);
  if (both)
    throw new GrammarError(
      `${both} together match nothing, since a silence needs all its matchers: make two silences.`,
    );
};

/** The Silence modal's matcher field: the same words as `/signins silence`, without times or reason. */
export const parseMatchers = (text: string): { matchers: Matcher[] } | { problem: string } => {
  try {
    const matchers: Matcher[] = [];
    const other = readMatchers(new Words(text), matchers);
    if (other !== null) throw unknown(other, ' as a matcher');
    checkMatchers(matchers);
    return { matchers };
  } catch (err) {
    if (err instanceof GrammarError) return { problem: err.message };
    throw err;
  }
};

const TOO_LONG_SILENCE = 'a silence is counted in hours or days';
const NO_REASON = 'Give a reason after `because`, so that others know why it is quiet.';

const parseSilence = (words: Words, now: Date): SlashCommand => {
  const matchers: Matcher[] = [];
  let startsAt: string | undefined;
  let started = false;
  let durationMs: number | undefined;
  let reason: string | undefined;
  for (let word = readMatchers(words, matchers); word !== null; word = readMatchers(words, matchers)) {
    const key = word.toLowerCase();
    if (key === 'because') {
      reason = readReason(words);
      break;
    }
    if ((key === 'for' && durationMs !== undefined) || (key === 'starting' && started))
      throw new GrammarError(`Say \`${key}\` once.`);
    if (key === 'for') durationMs = readDuration(words, key, MAX_SILENCE_TIME_MS, TOO_LONG_SILENCE).ms;
    else if (key === 'starting') {
      started = true;
      const next = words.peek()?.toLowerCase();
      if (next === 'now') words.next();
      else if (next === 'in') {
        words.next();
        const d = readDuration(words, 'starting in', MAX_SILENCE_TIME_MS, TOO_LONG_SILENCE);
        startsAt = new Date(now.getTime() + d.ms).toISOString();
      } else startsAt = readDateTime(words, key).iso;
    } else throw unknown(word, ' in a silence');
  }
  checkMatchers(matchers);
  if (durationMs === undefined) throw new GrammarError('Say how long the silence lasts, such as `for 4h`.');
  if (reason === undefined) throw new GrammarError(NO_REASON);
  return { kind: 'silence', matchers, ...(startsAt ? { startsAt } : {}), durationMs, reason };
};

/** The rest of the text as written; one quoted phrase loses its quotes. */
const readReason = (words: Words): string => {
  const rest = words.rest().trim();
  const inner = rest.slice(1, -1);
  const quoted =
    rest.length >= 2 &&
    OPEN_QUOTES.includes(rest.charAt(0)) &&
    CLOSE_QUOTES.includes(rest.charAt(rest.length - 1)) &&
    ![...inner].some((c) => QUOTES.includes(c));
  const reason = (quoted ? inner : rest).trim();
  if (reason === '') throw new GrammarError(NO_REASON);
  return reason;
};

const parseUnsilence = (words: Words): SlashCommand => {
  const id = valueAfter(words, 'unsilence', 's-7f3a2c').toLowerCase();
  const extra = words.next();
  if (extra !== null) throw unknown(extra, ' after the silence id');
  return { kind: 'unsilence', id };
};

/** Reads the text of `/signins …` (or the terminal's same words); never throws. */
export const parseCommand = (text: string, now: Date): SlashCommand => {
  try {
    const words = new Words(fromSlack(text));
    const first = words.peek()?.toLowerCase() ?? null;
    if (first === null || first === 'help') return { kind: 'help' };
    if (first === 'query' || first === 'silence' || first === 'silences' || first === 'unsilence')
      words.next();
    if (first === 'silence') return parseSilence(words, now);
    if (first === 'unsilence') return parseUnsilence(words);
    if (first === 'silences') {
      const extra = words.next();
      if (extra !== null) throw unknown(extra, ' after `silences`');
      return { kind: 'silences' };
    }
    return parseQuery(words, now);
  } catch (err) {
    if (err instanceof GrammarError) return { kind: 'invalid', problem: err.message, usage: USAGE };
    throw err;
  }
};

/** "last 24h", "since 2026-11-01": the window as asked. */
export const windowText = (window: QueryWindow): string =>
  window.text.trim() ||
  (window.kind === 'last'
    ? `last ${ms(window.ms)}`
    : `since ${window.from.replace(/T00:00:00(\.000)?Z$/, '')}`);

/** "user alice or bob · ip 203.0.113.0/24 · failed": plain text with the values as given (callers escape it). */
export const filtersText = (filters: QueryFilters): string => {
  const values = (keyword: string, list: readonly string[]): string[] =>
    list.length === 0 ? [] : [`${keyword} ${list.map(valueText).join(' or ')}`];
  return [
    ...values('user', filters.users),
    ...values('ip', filters.ips),
    ...values('account', filters.accounts),
    ...values('region', filters.regions),
    ...values('country', filters.countries),
    ...values(
      'asn',
      filters.asns.map((asn) => `AS${asn}`),
    ),
    ...(filters.outcome === 'failure' ? ['failed'] : filters.outcome === 'success' ? ['success'] : []),
    ...(filters.rootOnly ? ['root'] : []),
    ...(filters.noMfaOnly ? ['nomfa'] : []),
  ].join(' · ');
};
