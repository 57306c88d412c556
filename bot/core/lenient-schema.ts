// Lenient zod pieces for AWS payloads: an optional field of the wrong type reads as absent instead of
// failing the whole record (published records leave fields empty, null or oddly typed).
import * as z from 'zod';

/** A non-empty string, else undefined. */
export const optString = z
  .unknown()
  .optional()
  .transform((v) => (typeof v === 'string' && v !== '' ? v : undefined));

/** A finite number (or numeric string), else undefined. */
export const optNumber = z
  .unknown()
  .optional()
  .transform((v) => {
    const n = typeof v === 'string' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  });

/** A plain object, else undefined. */
export const optObject = z
  .unknown()
  .optional()
  .transform((v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined,
  );
