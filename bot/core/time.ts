// CloudTrail and CloudWatch write times in several shapes; everything leaves here as ISO 8601 UTC.

const SPACE_SEPARATED = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?(Z)?$/;
const OFFSET_WITHOUT_COLON = /([+-]\d{2})(\d{2})$/;

// Date holds ±8.64e15 ms; past that (1e20, -1e20) toISOString throws, which must not reject a record.
const isoOrNull = (ms: number): string | null => {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

// Seconds below 1e11 (until the year 5138), milliseconds above.
const fromEpoch = (value: number): string | null =>
  Number.isFinite(value) ? isoOrNull(Math.abs(value) < 1e11 ? value * 1000 : value) : null;

/**
 * Accepts `2024-06-02T19:41:40Z`, `2024-06-02 19:41:40.000000000` (exports), `…+0000` (alarm
 * StateChangeTime, no colon in the offset), compact `20131102T010628Z`, and epoch seconds or ms.
 * Returns null for anything else (`"redacted"`, empty).
 */
export const toIsoTime = (value: unknown): string | null => {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string' || value.trim() === '') return null;
  let text = value.trim();
  const spaced = SPACE_SEPARATED.exec(text);
  if (spaced) text = `${spaced[1]}T${spaced[2]}${(spaced[3] ?? '').slice(0, 4)}Z`;
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (compact) text = `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6]}Z`;
  if (/T\d{2}:\d{2}/.test(text)) {
    text = text.replace(OFFSET_WITHOUT_COLON, '$1:$2');
    // AWS writes UTC; a time without an offset must not be read in the machine's local zone.
    if (!/(Z|[+-]\d{2}:\d{2})$/i.test(text)) text += 'Z';
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  return isoOrNull(Date.parse(text));
};
