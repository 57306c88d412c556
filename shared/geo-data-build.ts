// The geo data the bot ships: the country database copied as is, and the AS numbers and names compiled from
// 32 MB of CSV (too slow to parse at a Lambda cold start) into one binary file the loader maps without parsing
// (bot/adapters/geo-database.ts). Built at synth for the Lambda layer, and on first use for local runs.
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import asnPackage from '@ip-location-db/asn/package.json';
import countryPackage from '@ip-location-db/geo-whois-asn-country-mmdb/package.json';

/** Bumped whenever asn.bin's layout changes: the loader refuses any other. */
export const ASN_FORMAT_VERSION = 1;
/** Names a build: a new package version or format is a new directory, built once. */
export const GEO_DATA_VERSION = `asn-${asnPackage.version}_country-${countryPackage.version}_f${ASN_FORMAT_VERSION}`;

export const GEO_FILES = { asn: 'asn.bin', country: 'country.mmdb', sources: 'SOURCES.txt' } as const;

/**
 * asn.bin: a 64-byte header, then sections each starting on an 8-byte boundary (so typed arrays view the file's
 * bytes without a copy). Numbers are little-endian (the header's byte-order mark says so).
 *   v4Starts  u32[v4Count]     first address of each IPv4 segment, ascending; a segment runs to the next start
 *   v4Values  u32[v4Count]     index into the AS table, or NO_AS for a gap
 *   v6Starts  u32[4·v6Count]   first address of each IPv6 segment as four big-end-first 32-bit words
 *   v6Values  u32[v6Count]
 *   asNumbers u32[asCount]
 *   nameEnds  u32[asCount]     end of each AS name in the blob (the start is the previous end)
 *   names     u8[nameBytes]    UTF-8
 */
export const ASN_MAGIC = 'SIGNASN\0';
export const ASN_HEADER_BYTES = 64;
export const BYTE_ORDER_MARK = 0x01020304;
export const NO_AS = 0xffffffff;
export const HEADER_FIELDS = {
  magic: 0,
  version: 8,
  byteOrder: 12,
  v4Count: 16,
  v6Count: 20,
  asCount: 24,
  nameBytes: 28,
  /** CRC-32 of every byte after the header. */
  crc: 32,
} as const;

export interface AsnCounts {
  readonly v4Count: number;
  readonly v6Count: number;
  readonly asCount: number;
  readonly nameBytes: number;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Byte offset of each section and the file's total size, from the header's counts. */
export const asnLayout = (c: AsnCounts) => {
  let at = ASN_HEADER_BYTES;
  const section = (bytes: number): number => {
    const start = at;
    at = align8(at + bytes);
    return start;
  };
  const v4Starts = section(4 * c.v4Count);
  const v4Values = section(4 * c.v4Count);
  const v6Starts = section(16 * c.v6Count);
  const v6Values = section(4 * c.v6Count);
  const asNumbers = section(4 * c.asCount);
  const nameEnds = section(4 * c.asCount);
  const names = section(c.nameBytes);
  return { v4Starts, v4Values, v6Starts, v6Values, asNumbers, nameEnds, names, total: at };
};

export class GeoDataBuildError extends Error {
  override readonly name = 'GeoDataBuildError';
}

interface Range {
  readonly start: bigint;
  readonly end: bigint;
  readonly as: number;
}

// One row: start,end,asn,org, where only org may be quoted (with "" for a quote inside).
const ROW = /^(\d+),(\d+),(\d+),(?:"((?:[^"]|"")*)"|([^",]*))$/;

/** Ranges of one `*-num.csv`, with each distinct (AS number, name) added to the shared table. */
const readRanges = (file: string, table: AsTable): Range[] => {
  const ranges: Range[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    const m = ROW.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (!m) throw new GeoDataBuildError(`${file}:${i + 1}: not "start,end,asn,org": ${line.slice(0, 120)}`);
    const [, start, end, asn, quoted, plain] = m as unknown as [
      string,
      string,
      string,
      string,
      string?,
      string?,
    ];
    // AS 0 is "not routed" in the RIR data: no network to show.
    if (Number(asn) === 0) return;
    const name = quoted === undefined ? (plain ?? '') : quoted.replaceAll('""', '"');
    const range = { start: BigInt(start), end: BigInt(end), as: table.indexOf(Number(asn), name) };
    if (range.end < range.start)
      throw new GeoDataBuildError(`${file}:${i + 1}: the range ends before it starts`);
    ranges.push(range);
  });
  return ranges;
};

class AsTable {
  readonly numbers: number[] = [];
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  indexOf(asn: number, name: string): number {
    if (asn > NO_AS - 1) throw new GeoDataBuildError(`AS number ${asn} does not fit 32 bits`);
    const key = `${asn}\t${name}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.numbers.length;
      this.index.set(key, i);
      this.numbers.push(asn);
      this.names.push(name);
    }
    return i;
  }
}

/**
 * Disjoint segments from ranges that may overlap: the range that starts later (the more specific one in this
 * data) wins where two overlap, the enclosing one resumes after it; gaps are NO_AS; neighbours with the same
 * AS are one segment.
 */
export const segmentsOf = (input: readonly Range[], maxAddress: bigint) => {
  const ranges = [...input].sort((a, b) =>
    a.start === b.start ? (a.end > b.end ? -1 : a.end < b.end ? 1 : 0) : a.start < b.start ? -1 : 1,
  );
  const starts: bigint[] = [];
  const values: number[] = [];
  const emit = (start: bigint, value: number) => {
    if (start > maxAddress) return;
    const last = starts.length - 1;
    if (last >= 0 && starts[last] === start) {
      values[last] = value;
      if (last >= 1 && values[last - 1] === value) {
        starts.pop();
        values.pop();
      }
    } else if (last < 0 || values[last] !== value) {
      starts.push(start);
      values.push(value);
    }
  };
  // Ranges that cover the current position, innermost last; each ends before the one beneath it.
  const open: Range[] = [];
  const closeBefore = (position: bigint) => {
    for (let top = open.at(-1); top !== undefined && top.end < position; top = open.at(-1)) {
      open.pop();
      emit(top.end + 1n, open.at(-1)?.as ?? NO_AS);
    }
  };
  for (const range of ranges) {
    closeBefore(range.start);
    // Ranges ending within this one are hidden by it from here on.
    while ((open.at(-1)?.end ?? -1n) <= range.end && open.length > 0) open.pop();
    emit(range.start, range.as);
    open.push(range);
  }
  closeBefore(maxAddress + 2n);
  return { starts, values };
};

// Resolved when a build is asked for, never by a bundler: the Lambda bundles do not carry the packages.
const packageFile = (pkg: string, file: string): string => require.resolve(`${pkg}/${file}`);

const MAX_V4 = 2n ** 32n - 1n;
const MAX_V6 = 2n ** 128n - 1n;
const WORD = 2n ** 32n - 1n;

/** asn.bin's bytes from the two CSV files. */
export const compileAsn = (v4Csv: string, v6Csv: string): Buffer => {
  const table = new AsTable();
  const v4 = segmentsOf(readRanges(v4Csv, table), MAX_V4);
  const v6 = segmentsOf(readRanges(v6Csv, table), MAX_V6);
  const nameBlobs = table.names.map((n) => Buffer.from(n, 'utf8'));
  const counts: AsnCounts = {
    v4Count: v4.starts.length,
    v6Count: v6.starts.length,
    asCount: table.numbers.length,
    nameBytes: nameBlobs.reduce((sum, b) => sum + b.length, 0),
  };
  const layout = asnLayout(counts);
  const file = Buffer.alloc(layout.total);
  const u32 = (offset: number, length: number) =>
    new Uint32Array(file.buffer, file.byteOffset + offset, length);
  u32(layout.v4Starts, counts.v4Count).set(v4.starts.map(Number));
  u32(layout.v4Values, counts.v4Count).set(v4.values);
  const v6Words = u32(layout.v6Starts, 4 * counts.v6Count);
  v6.starts.forEach((start, i) => {
    for (let w = 0; w < 4; w += 1) v6Words[4 * i + w] = Number((start >> BigInt(96 - 32 * w)) & WORD);
  });
  u32(layout.v6Values, counts.v6Count).set(v6.values);
  u32(layout.asNumbers, counts.asCount).set(table.numbers);
  const nameEnds = u32(layout.nameEnds, counts.asCount);
  let at = 0;
  nameBlobs.forEach((blob, i) => {
    blob.copy(file, layout.names + at);
    at += blob.length;
    nameEnds[i] = at;
  });
  file.write(ASN_MAGIC, HEADER_FIELDS.magic, 'latin1');
  file.writeUInt32LE(ASN_FORMAT_VERSION, HEADER_FIELDS.version);
  // Written through a typed array, as the sections are: a loader on other-endian hardware reads it reversed.
  new Uint32Array(file.buffer, file.byteOffset + HEADER_FIELDS.byteOrder, 1)[0] = BYTE_ORDER_MARK;
  file.writeUInt32LE(counts.v4Count, HEADER_FIELDS.v4Count);
  file.writeUInt32LE(counts.v6Count, HEADER_FIELDS.v6Count);
  file.writeUInt32LE(counts.asCount, HEADER_FIELDS.asCount);
  file.writeUInt32LE(counts.nameBytes, HEADER_FIELDS.nameBytes);
  file.writeUInt32LE(crc32(file.subarray(ASN_HEADER_BYTES)), HEADER_FIELDS.crc);
  return file;
};

const sourcesText = (): string =>
  [
    `signins geo data ${GEO_DATA_VERSION} (built by shared/geo-data-build.ts; nothing is looked up over the network)`,
    '',
    `${GEO_FILES.country}: geo-whois-asn-country.mmdb from @ip-location-db/geo-whois-asn-country-mmdb ${countryPackage.version}, unchanged.`,
    `  Licence: ${countryPackage.license} (the package); it is built from RIR data the NRO publishes under CC BY 4.0`,
    '  (attribution to nro.net, see NRO_LICENSE in the package). https://github.com/sapics/ip-location-db',
    `${GEO_FILES.asn}: compiled from asn-ipv4-num.csv and asn-ipv6-num.csv of @ip-location-db/asn ${asnPackage.version}.`,
    '  Licence: CC BY 4.0: RouteViews (routeviews.org), DB-IP IP to ASN Lite (db-ip.com), NRO (nro.net).',
    '  Modified: ranges merged into disjoint segments (the more specific range wins), same-AS neighbours joined.',
    '',
  ].join('\n');

/** Builds the three files into `outDir` (created if missing). */
export const buildGeoData = (outDir: string): void => {
  mkdirSync(outDir, { recursive: true });
  const asn = compileAsn(
    packageFile('@ip-location-db/asn', 'asn-ipv4-num.csv'),
    packageFile('@ip-location-db/asn', 'asn-ipv6-num.csv'),
  );
  writeFileSync(path.join(outDir, GEO_FILES.asn), asn);
  copyFileSync(
    packageFile('@ip-location-db/geo-whois-asn-country-mmdb', 'geo-whois-asn-country.mmdb'),
    path.join(outDir, GEO_FILES.country),
  );
  // Last: its presence marks a finished build.
  writeFileSync(path.join(outDir, GEO_FILES.sources), sourcesText());
  // The CDK CLI zips each file with its own mode, and Lambda's runtime user is not the owner: readable by all,
  // whatever the umask of the machine that synthesized (077 would ship files the function cannot read).
  for (const file of Object.values(GEO_FILES)) chmodSync(path.join(outDir, file), 0o644);
  chmodSync(outDir, 0o755);
};

/** Windows: a directory of just-written files may be held for a moment (an antivirus scan): try again. */
const RENAME_RETRIES = 20;
const renameWithRetry = (from: string, to: string): void => {
  for (let attempt = 1; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= RENAME_RETRIES || !(code === 'EPERM' || code === 'EACCES' || code === 'EBUSY'))
        throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * attempt);
    }
  }
};

const isCompleteBuild = (dir: string): boolean =>
  Object.values(GEO_FILES).every(
    (file) => (statSync(path.join(dir, file), { throwIfNoEntry: false })?.size ?? 0) > 0,
  );

/** `<repo>/node_modules/.cache/signins-geo`: next to the packages it is built from, ignored by git. */
export const defaultGeoCacheRoot = (): string =>
  path.join(
    path.dirname(packageFile('@ip-location-db/asn', 'package.json')),
    '..',
    '..',
    '.cache',
    'signins-geo',
  );

/** Where a build's files are inside its version directory (the layer puts them at /opt/geo). */
export const GEO_DIR_NAME = 'geo';

/**
 * A directory holding a complete build of the current version: `<cacheRoot>/<version>/geo`, built when missing.
 * Each build goes to a temporary directory renamed into place, so processes building at once never see half a
 * build; the one that renames second keeps the first one's.
 */
export const ensureGeoData = (cacheRoot: string = defaultGeoCacheRoot()): string => {
  const versionDir = path.join(cacheRoot, GEO_DATA_VERSION);
  const dir = path.join(versionDir, GEO_DIR_NAME);
  if (isCompleteBuild(dir)) return dir;
  mkdirSync(cacheRoot, { recursive: true });
  // Left by a build interrupted in a way a rename cannot be (a hand-made copy): start again, unless another
  // process finished its build in between.
  if (statSync(versionDir, { throwIfNoEntry: false }) && !isCompleteBuild(dir))
    rmSync(versionDir, { recursive: true, force: true });
  const building = mkdtempSync(path.join(cacheRoot, `.building-${GEO_DATA_VERSION}-`));
  // mkdtemp makes it private (0700); it becomes the layer's asset, whose files everyone must read.
  chmodSync(building, 0o755);
  try {
    buildGeoData(path.join(building, GEO_DIR_NAME));
    try {
      renameWithRetry(building, versionDir);
    } catch (err) {
      if (!isCompleteBuild(dir)) throw err;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
};
