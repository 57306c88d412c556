// Seeded fuzz of the decoder on every input format it reads, built from the published fixtures and mutated
// (fields dropped, copied, retyped, buried, replaced with hostile text), then damaged as text (cut, spliced,
// duplicate keys) and bytes (gzip cut or flipped, UTF-16, trailing junk). fast-check prints the seed and
// path of a failure, so `{ seed, path }` in these options replays it.
import fc from 'fast-check';
import { decodeBytes, decodeValue } from '../../bot/core/decode-input';
import { decodeProblems } from './decode-checks';
import { FORMATS, type Format, fuzzInput } from './mutated-inputs';

const RUNS = 4_000;

it(`decodes ${RUNS} mutated inputs of every format without throwing, each item placed and of a known kind`, () => {
  const formats = new Map<Format, number>();
  const kinds = new Map<string, number>();
  let compared = 0;
  fc.assert(
    fc.property(fuzzInput, (input) => {
      const items = decodeBytes(input.bytes);
      expect(decodeProblems(items)).toEqual([]);
      // Unharmed JSON (compact, pretty or gzip) decodes as the value it was made from.
      if (input.value !== undefined) {
        expect(items).toEqual(decodeValue(input.value));
        compared += 1;
      }
      formats.set(input.format, (formats.get(input.format) ?? 0) + 1);
      for (const item of items) kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
    }),
    { seed: 0x5e1f, numRuns: RUNS },
  );
  // The generator reached every format and every outcome, so the property was not vacuous.
  expect([...formats.keys()].sort()).toEqual([...FORMATS].sort());
  expect([...kinds.keys()].sort()).toEqual(['alarm', 'rejected', 'signin', 'skipped', 'trail-change']);
  expect(compared).toBeGreaterThan(RUNS / 8);
});
