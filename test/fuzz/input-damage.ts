// Damage to an input after it is built: as text (cut, spliced, a key duplicated, CRLF, a BOM) and as bytes
// (gzip cut short or flipped, gzip twice, UTF-16, trailing junk). Some of it leaves valid JSON on purpose.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { Json } from './fixture-inputs';
import { hostileString } from './hostile-strings';
import { smallJson } from './json-mutations';

const stringify = (v: Json): string => JSON.stringify(v) ?? 'null';

export type TextDamage =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'duplicate-key'; readonly key: string; readonly value: Json; readonly last: boolean }
  | { readonly kind: 'crlf' }
  | { readonly kind: 'bom' };

const fraction = fc.integer({ min: 0, max: 1000 });

export const textDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
  fc.record({ kind: fc.constant('insert' as const), at: fraction, text: hostileString }),
  fc.record({
    kind: fc.constant('duplicate-key' as const),
    key: fc.constantFrom(
      'eventSource',
      'eventID',
      'eventName',
      'userIdentity',
      'Records',
      'awslogs',
      'detail',
    ),
    value: smallJson,
    last: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('crlf' as const) }),
  fc.record({ kind: fc.constant('bom' as const) }),
);

const cut = (text: string, at: number): number => Math.floor((text.length * at) / 1000);

/** Text damage: some of it (a BOM, CRLF, a duplicated key) leaves the text valid JSON on purpose. */
export const damageText = (text: string, d: TextDamage): string => {
  switch (d.kind) {
    case 'truncate':
      return text.slice(0, cut(text, d.at));
    case 'insert':
      return text.slice(0, cut(text, d.at)) + d.text + text.slice(cut(text, d.at));
    case 'duplicate-key': {
      const member = `"${d.key}":${stringify(d.value)}`;
      const open = text.indexOf('{');
      const close = text.lastIndexOf('}');
      if (open === -1 || close === -1) return text;
      return d.last
        ? `${text.slice(0, close)},${member}${text.slice(close)}`
        : `${text.slice(0, open + 1)}${member},${text.slice(open + 1)}`;
    }
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
    case 'bom':
      return `\uFEFF${text}`;
  }
};

export type ByteDamage =
  | { readonly kind: 'gzip' }
  | { readonly kind: 'gzip-truncated'; readonly at: number }
  | { readonly kind: 'gzip-flipped'; readonly at: number; readonly xor: number }
  | { readonly kind: 'gzip-twice' }
  | { readonly kind: 'utf16' }
  | { readonly kind: 'appended'; readonly bytes: Uint8Array };

export const byteDamage: fc.Arbitrary<ByteDamage> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('gzip' as const) }) },
  fc.record({ kind: fc.constant('gzip-truncated' as const), at: fraction }),
  fc.record({
    kind: fc.constant('gzip-flipped' as const),
    at: fraction,
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('gzip-twice' as const) }),
  fc.record({ kind: fc.constant('utf16' as const) }),
  fc.record({
    kind: fc.constant('appended' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  }),
);

export const damageBytes = (bytes: Buffer, d: ByteDamage): Buffer => {
  switch (d.kind) {
    case 'gzip':
      return gzipSync(bytes);
    case 'gzip-truncated': {
      const gz = gzipSync(bytes);
      return gz.subarray(0, Math.max(2, cut(gz.toString('latin1'), d.at)));
    }
    case 'gzip-flipped': {
      const gz = Buffer.from(gzipSync(bytes));
      const i = Math.min(gz.length - 1, 2 + cut(gz.toString('latin1'), d.at));
      gz[i] = (gz[i] ?? 0) ^ d.xor;
      return gz;
    }
    case 'gzip-twice':
      return gzipSync(gzipSync(bytes));
    case 'utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes.toString('utf8'), 'utf16le')]);
    case 'appended':
      return Buffer.concat([bytes, d.bytes]);
  }
};
