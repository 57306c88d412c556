// Strings an attacker can put in a record (a user name typed at the sign-in page, a user agent, a role
// session name): Slack control sequences, text that reorders or hides itself, terminal escapes, broken
// UTF-16 and sizes far past every limit. Shared by the fuzz properties.
import fc from 'fast-check';

/** Slack mrkdwn that would notify, link or format if it reached a card unescaped. */
export const SLACK_SEQUENCES = [
  '<!channel>',
  '<!here>',
  '<!here|here>',
  '<!everyone>',
  '<!subteam^S0123ABC>',
  '<@U0ATTACKER>',
  '<@W0ATTACKER|boss>',
  '<#C0123ABC>',
  '<https://evil.example|click here>',
  '<http://evil.example>',
  '<mailto:a@evil.example|mail>',
  '<!date^1700000000^{date}|forged>',
  'https://evil.example/x?a=1&b=2',
  '&lt;!channel&gt;',
  '&amp;',
  '&',
  '<',
  '>',
  '*bold*',
  '_it_',
  '~s~',
  '`code`',
  '```block```',
  '>quote',
  ':rotating_light:',
  '#general',
  'a@b.co',
  '|',
] as const;

/** Characters that reorder, hide or combine (U+202E, isolates, zero-width, combining marks, ZWJ emoji). */
export const UNICODE_TRICKS = [
  '\u202E',
  '\u202D',
  '\u202A',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  'e\u0301\u0302\u0303\u0304',
  'Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F',
  '👩‍💻',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '🇫🇷',
  '👍🏽',
  '\u{E0041}\u{E007F}',
  '\uD83D',
  '\uDE00',
  '\uDBFF\uD800',
  '\u2028',
  '\u2029',
  '\uFFFD',
  '\uFFFF',
] as const;

/** Controls: NUL, C0, DEL, C1 (U+0085 NEL, U+009B CSI) and terminal escape sequences. */
export const CONTROLS = [
  '\u0000',
  '\u0007',
  '\u0008',
  '\t',
  '\n',
  '\r\n',
  '\u000B',
  '\u001B',
  '\u007F',
  '\u0085',
  '\u009B31m',
  '\u001B[31m',
  '\u001B[2J',
  '\u001B]8;;http://evil.example\u0007link\u001B]8;;\u0007',
  '\u001B]0;title\u0007',
] as const;

const FRAGMENTS = [
  ...SLACK_SEQUENCES,
  ...UNICODE_TRICKS,
  ...CONTROLS,
  'root',
  'ConsoleLogin',
  'us-east-1',
  '192.0.2.1',
  'constructor',
  '__proto__',
  ' ',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));

/** A short string built from hostile fragments and arbitrary code units, points and lone surrogates. */
export const hostileShort: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) },
      { weight: 1, arbitrary: loneSurrogate },
      { weight: 1, arbitrary: anyCodeUnit },
      { weight: 1, arbitrary: anyCodePoint },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** A hostile piece repeated past `minLength` UTF-16 units (100 KB and more for the huge ones). */
export const hostileLong = (minLength: number, maxLength = minLength * 2): fc.Arbitrary<string> =>
  fc.tuple(hostileShort, fc.integer({ min: minLength, max: maxLength })).map(([short, length]) => {
    const piece = short === '' ? '<!channel>' : short;
    return piece.repeat(Math.ceil(length / piece.length));
  });

/** Mostly short hostile strings, some empty, some past every Block Kit limit. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: hostileShort },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: hostileLong(3_100, 9_000) },
);
