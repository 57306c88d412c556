// Record values shown in a terminal never drive it: escapes and bidi controls become visible placeholders.
import { jsonSafe, terminalSafe, terminalSafeLine } from '../../bot/cli/terminal-text';

const HOSTILE =
  'Mozilla/5.0 \u001b]8;;http://evil\u0007click\u001b]8;;\u0007 \u202egnp.exe\u202c \u009b2J\rX';

describe('terminal-safe text', () => {
  it('shows an OSC 8 hyperlink, a bidi override, a C1 CSI and a carriage return as placeholders', () => {
    expect(terminalSafe(HOSTILE)).toBe(
      'Mozilla/5.0 ␛]8;;http://evil␇click␛]8;;␇ <U+202E>gnp.exe<U+202C> \\x9B2J␍X',
    );
  });

  it('leaves no control or bidi character behind, keeps newlines and every other character', () => {
    const all = `${Array.from({ length: 0x250 }, (_, i) => String.fromCharCode(i)).join('')}\u2066\u2069\u200f日本 👍`;
    const safe = terminalSafe(all);
    expect(safe).not.toMatch(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters left behind.
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
    );
    expect(safe).toContain('\n');
    expect(safe).toContain('日本 👍');
    expect(safe).toContain(' !"#$%&\'()*+,-./0123456789');
  });

  it('puts a multi-line message on one line', () => {
    expect(terminalSafeLine('a\nb\u001b')).toBe('a␊b␛');
  });
});

describe('terminal-safe JSON', () => {
  it('escapes C1 and bidi controls that JSON.stringify leaves raw, and still parses to the same value', () => {
    const value = { userAgent: HOSTILE, name: 'ok\u2028' };
    const line = jsonSafe(JSON.stringify(value));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters left behind.
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2028]/);
    expect(line).toContain('\\u202e');
    expect(JSON.parse(line)).toEqual(value);
  });
});
