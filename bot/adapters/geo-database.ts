// The GeoData port over the files shared/geo-data-build.ts writes: the country from the MMDB file (the maxmind
// package's Reader over its bytes), the AS number and name by binary search in asn.bin's typed arrays, which
// view the file's bytes as they are read (no parsing, no copy).
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { Reader, type Response } from 'maxmind';
import {
  ASN_FORMAT_VERSION,
  ASN_HEADER_BYTES,
  ASN_MAGIC,
  type AsnCounts,
  asnLayout,
  BYTE_ORDER_MARK,
  GEO_FILES,
  HEADER_FIELDS,
  NO_AS,
} from '../../shared/geo-data-build';
import type { GeoData } from '../core/geo';

/** The geo data cannot be read: one line saying which file, what is wrong, and what to do. */
export class GeoDataError extends Error {
  override readonly name = 'GeoDataError';
}

const REMEDY = 'run npm install (local runs rebuild it), or redeploy (Lambda: the layer at /opt/geo)';

const readGeoFile = (dir: string, file: string): Buffer => {
  const where = path.join(dir, file);
  try {
    return readFileSync(where);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GeoDataError(
      code === 'ENOENT'
        ? `geo data file ${where} is missing: ${REMEDY}`
        : `geo data file ${where} cannot be read (${code ?? (err as Error).message}): ${REMEDY}`,
      { cause: err },
    );
  }
};

const corrupt = (where: string, why: string): GeoDataError =>
  new GeoDataError(`geo data file ${where} is corrupt (${why}): ${REMEDY}`);

interface AsnTable {
  network(address: ipaddr.IPv4 | ipaddr.IPv6): { asn: number; name: string } | null;
}

const openAsnTable = (bytes: Buffer, where: string): AsnTable => {
  if (bytes.length < ASN_HEADER_BYTES || bytes.toString('latin1', 0, 8) !== ASN_MAGIC)
    throw corrupt(where, 'not an asn.bin file');
  const version = bytes.readUInt32LE(HEADER_FIELDS.version);
  if (version !== ASN_FORMAT_VERSION)
    throw corrupt(where, `format ${version}, this bot reads format ${ASN_FORMAT_VERSION}`);
  const counts: AsnCounts = {
    v4Count: bytes.readUInt32LE(HEADER_FIELDS.v4Count),
    v6Count: bytes.readUInt32LE(HEADER_FIELDS.v6Count),
    asCount: bytes.readUInt32LE(HEADER_FIELDS.asCount),
    nameBytes: bytes.readUInt32LE(HEADER_FIELDS.nameBytes),
  };
  const layout = asnLayout(counts);
  if (layout.total !== bytes.length)
    throw corrupt(where, `${bytes.length} bytes where the header says ${layout.total}`);
  if (crc32(bytes.subarray(ASN_HEADER_BYTES)) !== bytes.readUInt32LE(HEADER_FIELDS.crc))
    throw corrupt(where, 'checksum mismatch');
  // Typed arrays need 4-byte alignment; readFileSync's own allocation has it, a pooled slice might not.
  const file = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
  const u32 = (offset: number, length: number) =>
    new Uint32Array(file.buffer, file.byteOffset + offset, length);
  if (u32(HEADER_FIELDS.byteOrder, 1)[0] !== BYTE_ORDER_MARK)
    throw corrupt(where, 'written on hardware of the other byte order');
  const v4Starts = u32(layout.v4Starts, counts.v4Count);
  const v4Values = u32(layout.v4Values, counts.v4Count);
  const v6Starts = u32(layout.v6Starts, 4 * counts.v6Count);
  const v6Values = u32(layout.v6Values, counts.v6Count);
  const asNumbers = u32(layout.asNumbers, counts.asCount);
  const nameEnds = u32(layout.nameEnds, counts.asCount);

  const entry = (value: number | undefined) => {
    if (value === undefined || value === NO_AS || value >= counts.asCount) return null;
    const from = layout.names + (value === 0 ? 0 : (nameEnds[value - 1] as number));
    return {
      asn: asNumbers[value] as number,
      name: file.toString('utf8', from, layout.names + (nameEnds[value] as number)),
    };
  };

  // The last segment starting at or before the address (-1: before the first).
  const lastAtOrBefore = (count: number, startsAfter: (i: number) => boolean): number => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (startsAfter(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo - 1;
  };

  return {
    network(address) {
      if (address.kind() === 'ipv4') {
        const [a, b, c, d] = (address as ipaddr.IPv4).octets as [number, number, number, number];
        const ip = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
        return entry(v4Values[lastAtOrBefore(counts.v4Count, (i) => (v4Starts[i] as number) > ip)]);
      }
      const p = (address as ipaddr.IPv6).parts;
      const words = [0, 2, 4, 6].map((k) => (p[k] as number) * 0x10000 + (p[k + 1] as number));
      const after = (i: number): boolean => {
        for (let w = 0; w < 4; w += 1) {
          const start = v6Starts[4 * i + w] as number;
          const ip = words[w] as number;
          if (start !== ip) return start > ip;
        }
        return false;
      };
      return entry(v6Values[lastAtOrBefore(counts.v6Count, after)]);
    },
  };
};

// ip-location-db's record, not one of MaxMind's own shapes that the Reader's types list.
interface CountryRecord {
  readonly country_code?: unknown;
}

const openCountryReader = (bytes: Buffer, where: string): Reader<Response> => {
  try {
    const reader = new Reader<Response>(bytes);
    if (!/country/i.test(reader.metadata.databaseType) || reader.metadata.ipVersion !== 6)
      throw new Error(`a "${reader.metadata.databaseType}" IPv${reader.metadata.ipVersion} database`);
    return reader;
  } catch (err) {
    throw Object.assign(corrupt(where, (err as Error).message.split('\n')[0] ?? 'unreadable'), {
      cause: err,
    });
  }
};

/** An address in any form ipaddr.js reads, IPv4-mapped IPv6 as IPv4; null for anything else. */
const parse = (ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null =>
  ipaddr.isValid(ip) ? ipaddr.process(ip) : null;

/** Throws a GeoDataError when a file is missing: a cheap check (no read) for a wrong directory at start. */
export const checkGeoFiles = (dir: string): void => {
  for (const file of [GEO_FILES.country, GEO_FILES.asn]) {
    if (!existsSync(path.join(dir, file)))
      throw new GeoDataError(`geo data file ${path.join(dir, file)} is missing: ${REMEDY}`);
  }
};

/** Reads both files now. Throws a GeoDataError when one is missing or corrupt. */
export const openGeoData = (dir: string): GeoData => {
  const countryFile = path.join(dir, GEO_FILES.country);
  const asnFile = path.join(dir, GEO_FILES.asn);
  const countries = openCountryReader(readGeoFile(dir, GEO_FILES.country), countryFile);
  const networks = openAsnTable(readGeoFile(dir, GEO_FILES.asn), asnFile);
  return {
    country(ip) {
      const address = parse(ip);
      if (address === null) return null;
      const code = (countries.get(address.toString()) as CountryRecord | null)?.country_code;
      return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : null;
    },
    network(ip) {
      const address = parse(ip);
      return address === null ? null : networks.network(address);
    },
    available: () => true,
  };
};

/**
 * Reads the files on the first lookup, so a function that never looks up pays nothing. `dir` may be a function
 * that finds (or builds) the directory, called then too. Fail-open: when the files cannot be read (or a lookup
 * throws), `onError` hears it once and every lookup answers null.
 */
export const lazyGeoData = (
  dir: string | (() => string),
  onError: (error: GeoDataError) => void,
): GeoData => {
  let data: GeoData | null | undefined;
  const failed = (err: unknown): null => {
    data = null;
    onError(
      err instanceof GeoDataError
        ? err
        : new GeoDataError(`geo data failed (${(err as Error).message.split('\n')[0]}): ${REMEDY}`, {
            cause: err,
          }),
    );
    return null;
  };
  const use = <T>(ask: (d: GeoData) => T | null): T | null => {
    try {
      if (data === undefined) data = openGeoData(typeof dir === 'string' ? dir : dir());
      return data === null ? null : ask(data);
    } catch (err) {
      return failed(err);
    }
  };
  return {
    country: (ip) => use((d) => d.country(ip)),
    network: (ip) => use((d) => d.network(ip)),
    available: () => use(() => true) === true,
  };
};
