import { gzipSync } from 'node:zlib';
import {
  type DecodedItem,
  decodeBytes,
  decodeText,
  decodeValue,
  FILE_INFLATE_LIMIT,
  InputTooLargeError,
  SUBSCRIPTION_INFLATE_LIMIT,
} from '../../bot/core/decode-input';
import type { SignIn } from '../../bot/core/sign-in';
import { fixtureJson, subscriptionEvent } from '../helpers/fixtures';

const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const IAM = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const record = (id: string, rel = ROOT) => ({ ...fixtureJson(rel), eventID: id });

const kinds = (items: readonly DecodedItem[]) => items.map((i) => [i.kind, i.position]);
const ids = (items: readonly DecodedItem[]) =>
  items.flatMap((i) => (i.kind === 'signin' ? [i.signIn.eventId] : []));
const messages = (items: readonly DecodedItem[]) =>
  items.flatMap((i) => (i.kind === 'rejected' ? [i.message] : []));
// Controls (C0, C1, DEL), format characters (bidi overrides and isolates) and lone surrogates.
const CONTROL = /[\p{Cc}\p{Cf}\p{Cs}]/u;

// Lines a value starts on, counted in the text we built.
const lineOf = (text: string, needle: string): number =>
  text.slice(0, text.indexOf(needle)).split('\n').length;

describe('concatenated JSON (the output of jq .Records[])', () => {
  it('decodes pretty-printed records printed one after another, each placed by its first line', () => {
    const text = [record('a'), record('b', IAM), record('c')]
      .map((r) => JSON.stringify(r, null, 2))
      .join('\n');
    const items = decodeText(text);
    expect(ids(items)).toEqual(['a', 'b', 'c']);
    expect(items.map((i) => i.position)).toEqual([
      'line 1',
      `line ${lineOf(text, '"eventID": "b"') - lineOf(JSON.stringify(record('b', IAM), null, 2), '"eventID"') + 1}`,
      expect.stringMatching(/^line \d+$/),
    ]);
  });

  it('decodes compact values with no separator, and tab or CRLF separated ones', () => {
    const [a, b, c] = [record('a'), record('b'), record('c')].map((r) => JSON.stringify(r));
    expect(kinds(decodeText(`${a}${b}`))).toEqual([
      ['signin', 'line 1'],
      ['signin', `line 1 column ${(a as string).length + 1}`],
    ]);
    expect(ids(decodeText(`${a}\t${b}\r\n${c}\r\n`))).toEqual(['a', 'b', 'c']);
  });

  it('rejects garbage between records by its line and keeps the records before and after', () => {
    const before = JSON.stringify(record('before'), null, 2);
    const after = JSON.stringify(record('after'), null, 2);
    const text = `${before}\n{\n  "eventSource": oops,\n  "eventName": "ConsoleLogin"\n}\n${after}\n`;
    const items = decodeText(text);
    expect(ids(items)).toEqual(['before', 'after']);
    const bad = items.find((i) => i.kind === 'rejected');
    expect(bad).toEqual({
      kind: 'rejected',
      position: `line ${lineOf(text, '{\n  "eventSource": oops')}`,
      message: "invalid JSON: Unexpected token 'o'",
    });
  });

  it('resyncs after a truncated pretty-printed record at the next value starting a line', () => {
    const cut = JSON.stringify(record('cut'), null, 2).slice(0, 300);
    const text = `${JSON.stringify(record('a'), null, 2)}\n${cut}\n${JSON.stringify(record('b'), null, 2)}`;
    const items = decodeText(text);
    expect(ids(items)).toEqual(['a', 'b']);
    expect(items[1]).toMatchObject({
      kind: 'rejected',
      position: expect.stringMatching(new RegExp(`^line (${lineOf(text, cut)}|\\d+ column \\d+)`)),
    });
    // The error points inside the truncated record, never at the record after it.
    const line = Number(/^line (\d+)/.exec(items[1]?.position ?? '')?.[1]);
    expect(line).toBeLessThan(lineOf(text, '"eventID": "b"') - 1);
  });

  it('gets through a hundred thousand unclosed values in one pass and keeps the record after them', () => {
    const text = `${'{\n'.repeat(100_000)}${JSON.stringify(record('last'))}`;
    const started = Date.now();
    const items = decodeText(text);
    expect(Date.now() - started).toBeLessThan(5000); // one pass: ~1 s; one pass per line: minutes
    expect(ids(items)).toEqual(['last']);
    expect(items.filter((i) => i.kind === 'rejected')).toHaveLength(100_000);
  });

  it('keeps a good document followed by trailing garbage, and rejects the garbage', () => {
    const items = decodeText(`${JSON.stringify(record('kept'))}\nnot json at all`);
    expect(ids(items)).toEqual(['kept']);
    expect(kinds(items)[1]).toEqual(['rejected', 'line 2']);
  });

  it('still places a single broken document by line and column when the parser tells where', () => {
    expect(decodeText('{\n  "a": 1,\n  "b": 2\n  "c": 3\n}')).toEqual([
      {
        kind: 'rejected',
        position: 'line 4 column 3',
        message: "invalid JSON: Expected ',' or '}' after property value",
      },
    ]);
  });
});

describe('input that is not UTF-8 JSON', () => {
  const json = JSON.stringify(record('r'));

  it.each([
    ['a PNG image', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48])],
    ['an ELF binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0])],
    ['bytes that are not UTF-8', Buffer.from([0xc0, 0xff, 0xfe, 0x80, 0x81])],
    ['gzip of binary data', gzipSync(Buffer.from([1, 2, 3, 0, 0, 0, 4, 5]))],
  ])('names %s as binary in one printable line', (_name, bytes) => {
    expect(decodeBytes(bytes)).toEqual([
      { kind: 'rejected', position: '', message: 'binary data (not JSON or gzip)' },
    ]);
  });

  it.each([
    ['UTF-16 LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')])],
    [
      'UTF-16 BE with a BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(json, 'utf16le').swap16()]),
    ],
    ['UTF-16 LE without a BOM', Buffer.from(json, 'utf16le')],
    ['UTF-16 BE without a BOM', Buffer.from(json, 'utf16le').swap16()],
  ])('names %s and how to convert it', (_name, bytes) => {
    const items = decodeBytes(bytes);
    expect(items).toEqual([
      {
        kind: 'rejected',
        position: '',
        message: 'UTF-16 text: convert to UTF-8 with iconv -f UTF-16 -t UTF-8',
      },
    ]);
    expect(messages(items)[0]).not.toMatch(CONTROL);
  });

  it('accepts UTF-8 with a byte-order mark', () => {
    expect(ids(decodeBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])))).toEqual([
      'r',
    ]);
  });

  it('never echoes control characters or bidi overrides from the input in a rejection', () => {
    const hostile = '\u001b[2J\u001b]0;pwned\u0007\u202e{"a": 1} \u0085';
    const sns = {
      Records: [{ EventSource: 'aws:sns', Sns: { Message: `x${hostile}` } }],
      Events: undefined,
    };
    const items = [
      ...decodeText(hostile),
      ...decodeText(`{"eventSource": "\u001b[31m", oops}`),
      ...decodeValue(sns),
      ...decodeValue({ Events: [{ CloudTrailEvent: `\u009b${hostile}` }] }),
      ...decodeValue(subscriptionEvent([], { raw: [hostile] })),
    ];
    expect(messages(items).length).toBeGreaterThanOrEqual(5);
    for (const message of messages(items)) expect(message).not.toMatch(CONTROL);
  });

  it('does not repeat the input in JSON errors, however long it is', () => {
    const [item] = decodeValue({ Events: [{ CloudTrailEvent: `x${'y'.repeat(100_000)}` }] });
    expect(item).toEqual({
      kind: 'rejected',
      position: 'Events[0]',
      message: "CloudTrailEvent is not JSON: Unexpected token 'x'",
    });
  });
});

describe('inflate limits', () => {
  // Many copies of one gzip member of zeros: gunzip reads them as one stream (a gzip bomb in ~1 KB
  // per MB), built without ever holding the inflated bytes.
  const bomb = (megabytes: number): Buffer =>
    Buffer.concat(Array(megabytes).fill(gzipSync(Buffer.alloc(1024 * 1024))));

  it('are 256 MB for one file and 8 MB for one subscription payload', () => {
    expect(FILE_INFLATE_LIMIT).toBe(256 * 1024 * 1024);
    expect(SUBSCRIPTION_INFLATE_LIMIT).toBe(8 * 1024 * 1024);
  });

  it('stops a gzip file past the limit with a typed error naming it, in bounded memory', () => {
    const bytes = bomb(300);
    expect(bytes.length).toBeLessThan(400_000);
    const before = process.memoryUsage().arrayBuffers;
    let thrown: unknown;
    try {
      decodeBytes(bytes, { maxInflatedBytes: 2 * 1024 * 1024 });
    } catch (err) {
      thrown = err;
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(thrown).toBeInstanceOf(InputTooLargeError);
    expect((thrown as Error).message).toBe('inflates to more than 2 MB (the limit for one input)');
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });

  it('inflates a gzip file under the limit as before', () => {
    const bytes = gzipSync(JSON.stringify({ Records: [record('a'), record('b')] }));
    expect(ids(decodeBytes(bytes, { maxInflatedBytes: 64 * 1024 }))).toEqual(['a', 'b']);
  });

  it('rejects one oversized subscription payload and keeps the rest of the batch', () => {
    const huge = { awslogs: { data: bomb(3).toString('base64') } };
    const items = decodeValue([huge, subscriptionEvent([record('kept')])], {
      maxSubscriptionBytes: 1024 * 1024,
    });
    expect(items[0]).toEqual({
      kind: 'rejected',
      position: '[0].awslogs.data',
      message: 'subscription payload inflates to more than 1 MB (the limit for one input)',
    });
    expect(ids(items)).toEqual(['kept']);
  });
});

describe('times out of range', () => {
  it.each([
    1e20,
    -1e20,
    Number.MAX_VALUE,
    'NaN',
    '1e20',
    '2024-13-45T99:99:99Z',
    '+275760-09-14T00:00:00Z',
    '99999-01-01T00:00:00Z',
  ])('eventTime %p gives a sign-in whose time is unknown', (eventTime) => {
    const items = decodeValue({ ...record('t'), eventTime });
    expect(items).toEqual([expect.objectContaining({ kind: 'signin' })]);
    expect((items[0] as { signIn: SignIn }).signIn.time).toBeNull();
  });

  it('an alarm whose StateChangeTime is out of range keeps its other facts', () => {
    const [item] = decodeValue({
      AlarmName: 'signin-console-success-root',
      NewStateValue: 'ALARM',
      StateChangeTime: 1e20,
    });
    expect(item).toMatchObject({
      kind: 'alarm',
      alarm: { alarmName: 'signin-console-success-root', time: null },
    });
  });

  it('epoch seconds and milliseconds in range still read', () => {
    const [s] = decodeValue({ ...record('s'), eventTime: 1_700_000_000 });
    const [ms] = decodeValue({ ...record('ms'), eventTime: 1_700_000_000_000 });
    expect(s).toMatchObject({ signIn: { time: '2023-11-14T22:13:20.000Z' } });
    expect(ms).toMatchObject({ signIn: { time: '2023-11-14T22:13:20.000Z' } });
  });
});
