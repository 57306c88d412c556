// The geo data as the bot reads it: built from the installed @ip-location-db packages (through ensureGeoData, as
// local runs and the synth do), then looked up: known addresses, range edges and gaps, the overlap in the data,
// thousands of CSV rows against the binary, one-line errors for missing or corrupt files, fail-open sources.
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import ipaddr from 'ipaddr.js';
import { checkGeoFiles, GeoDataError, lazyGeoData, openGeoData } from '../../bot/adapters/geo-database';
import { type GeoData, placeOf } from '../../bot/core/geo';
import { NO_FILTERS } from '../../bot/core/query';
import { loadConfig } from '../../bot/pipeline/config';
import { geoDataFor } from '../../bot/pipeline/geo-source';
import { geoProblem } from '../../bot/pipeline/queries';
import type { Logger } from '../../bot/ports';
import { ENV } from '../../shared/env-keys';
import {
  ensureGeoData,
  GEO_DATA_VERSION,
  GEO_DIR_NAME,
  GEO_FILES,
  NO_AS,
  segmentsOf,
} from '../../shared/geo-data-build';

const REPO = path.join(__dirname, '..', '..');
const execFileAsync = promisify(execFile);

interface CsvRow {
  readonly start: bigint;
  readonly end: bigint;
  readonly asn: number;
  readonly name: string;
}

// Read here without the builder's code: three numbers, then the organisation, maybe quoted.
const readCsv = (file: string): CsvRow[] =>
  readFileSync(require.resolve(`@ip-location-db/asn/${file}`), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [start, end, asn] = line.split(',', 3) as [string, string, string];
      const org = line.slice(start.length + end.length + asn.length + 3);
      const name = org.startsWith('"') ? org.slice(1, -1).replaceAll('""', '"') : org;
      return { start: BigInt(start), end: BigInt(end), asn: Number(asn), name };
    });

const addressOf = (n: bigint, bytes: 4 | 16): string =>
  ipaddr
    .fromByteArray(Array.from({ length: bytes }, (_, i) => Number((n >> BigInt(8 * (bytes - 1 - i))) & 255n)))
    .toString();

// A fixed sequence, so a failure names the same rows every run.
const seeded = (seed: number) => () => {
  seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
  return seed / 2 ** 32;
};

const tempDirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'signins-geo-test-'));
  tempDirs.push(dir);
  return dir;
};

/** A copy of the built data that a test may break. */
const copyOfData = (): string => {
  const dir = tempDir();
  for (const file of Object.values(GEO_FILES)) copyFileSync(path.join(geoDir, file), path.join(dir, file));
  return dir;
};

const recordingLogger = () => {
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    info: () => {},
    error: () => {},
    warn: (message, fields) => warnings.push({ message, fields }),
  };
  return { logger, warnings };
};

const expectOneLineError = (open: () => unknown, pattern: RegExp): void => {
  let error: unknown;
  try {
    open();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(GeoDataError);
  const message = (error as Error).message;
  expect(message).toMatch(pattern);
  expect(message).toMatch(/run npm install .*redeploy/);
  expect(message).not.toContain('\n');
};

let geoDir: string;
let data: GeoData;
let v4Rows: CsvRow[];
let v6Rows: CsvRow[];
beforeAll(() => {
  geoDir = ensureGeoData();
  data = openGeoData(geoDir);
  v4Rows = readCsv('asn-ipv4-num.csv');
  v6Rows = readCsv('asn-ipv6-num.csv');
});
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('known addresses', () => {
  it.each([
    ['8.8.8.8', 'US', 15169, 'Google LLC'],
    ['133.11.0.1', 'JP', 2501, 'The University of Tokyo'],
    ['5.9.0.1', 'DE', 24940, 'Hetzner Online GmbH'],
    ['2001:4860:4860::8888', 'US', 15169, 'Google LLC'],
    // WIDE Project's block; this country data (geofeed first, then whois) places 2001:200::/32's start in AU.
    ['2001:200::1', 'AU', 2500, 'WIDE Project'],
  ])('%s is in %s, AS%d %s', (ip, country, asn, name) => {
    expect(data.country(ip)).toBe(country);
    expect(data.network(ip)).toEqual({ asn, name });
  });

  it('gives a sign-in from 8.8.8.8 its full place', () => {
    expect(placeOf('8.8.8.8', data)).toEqual({
      kind: 'public',
      ip: '8.8.8.8',
      geo: { country: 'US', asn: 15169, network: 'Google LLC' },
    });
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(data.network('::ffff:8.8.8.8')).toEqual({ asn: 15169, name: 'Google LLC' });
    expect(data.country('::ffff:8.8.8.8')).toBe('US');
  });

  it('answers null for text that is not an address', () => {
    expect(data.country('AWS Internal')).toBeNull();
    expect(data.network('not-an-ip')).toBeNull();
  });
});

describe('ranges, gaps and overlaps', () => {
  it.each([
    ['IPv4', 4, () => v4Rows],
    ['IPv6', 16, () => v6Rows],
  ] as const)(
    '%s: first and last address of a range are in it, the address after it (a gap) is in none',
    (_, bytes, rows) => {
      const all = rows();
      const i = all.findIndex((row, k) => (all[k + 1]?.start ?? 0n) > row.end + 1n);
      const row = all[i] as CsvRow;
      expect(data.network(addressOf(row.start, bytes))).toEqual({ asn: row.asn, name: row.name });
      expect(data.network(addressOf(row.end, bytes))).toEqual({ asn: row.asn, name: row.name });
      expect(data.network(addressOf(row.end + 1n, bytes))).toBeNull();
      // Before the first range of the file.
      expect(data.network(addressOf((all[0] as CsvRow).start - 1n, bytes))).toBeNull();
    },
  );

  it('where two ranges of the data overlap, the later (more specific) one wins and the other resumes', () => {
    const overlaps = v4Rows.flatMap((row, k) =>
      k > 0 && (v4Rows[k - 1] as CsvRow).end >= row.start ? [[v4Rows[k - 1] as CsvRow, row] as const] : [],
    );
    expect(overlaps.length).toBeGreaterThan(0);
    for (const [outer, inner] of overlaps) {
      expect(data.network(addressOf(inner.start - 1n, 4))).toEqual({ asn: outer.asn, name: outer.name });
      expect(data.network(addressOf(inner.start, 4))).toEqual({ asn: inner.asn, name: inner.name });
      expect(data.network(addressOf(inner.end, 4))).toEqual({ asn: inner.asn, name: inner.name });
    }
  });

  it('merges nested and touching ranges into disjoint segments, gaps marked as no AS', () => {
    const r = (start: number, end: number, as: number) => ({ start: BigInt(start), end: BigInt(end), as });
    const segments = segmentsOf(
      [r(10, 100, 1), r(20, 30, 2), r(25, 26, 3), r(31, 40, 1), r(101, 110, 4)],
      255n,
    );
    expect(segments.starts.map(Number)).toEqual([10, 20, 25, 27, 31, 101, 111]);
    expect(segments.values).toEqual([1, 2, 3, 2, 1, 4, NO_AS]);
    // A range ending at the last address leaves nothing after it.
    expect(segmentsOf([r(0, 255, 7)], 255n)).toEqual({ starts: [0n], values: [7] });
  });

  it.each([
    ['IPv4', 3000, 4, () => v4Rows],
    ['IPv6', 1500, 16, () => v6Rows],
  ] as const)(
    '%s: %d random CSV rows answer their AS at start, end and middle',
    (_, samples, bytes, rows) => {
      const all = rows();
      const random = seeded(bytes);
      const mismatches: string[] = [];
      let checked = 0;
      while (checked < samples) {
        const k = Math.floor(random() * all.length);
        const row = all[k] as CsvRow;
        // The few rows another one overlaps are covered by the overlap test.
        if ((all[k - 1]?.end ?? -1n) >= row.start || (all[k + 1]?.start ?? row.end + 1n) <= row.end) continue;
        checked += 1;
        for (const n of [row.start, row.end, (row.start + row.end) / 2n]) {
          const got = data.network(addressOf(n, bytes));
          if (got?.asn !== row.asn || got.name !== row.name)
            mismatches.push(`${addressOf(n, bytes)}: ${JSON.stringify(got)} (CSV: ${row.asn} ${row.name})`);
        }
      }
      expect(mismatches).toEqual([]);
    },
  );
});

describe('missing or corrupt files', () => {
  it('a missing file is one line naming it and what to do', () => {
    const dir = copyOfData();
    rmSync(path.join(dir, GEO_FILES.country));
    expectOneLineError(() => openGeoData(dir), /country\.mmdb is missing/);
    expectOneLineError(() => checkGeoFiles(dir), /country\.mmdb is missing/);
  });

  it.each([
    [
      'a flipped byte',
      (b: Buffer) => Buffer.from(b).fill(b[b.length >> 1] ^ 0xff, b.length >> 1, (b.length >> 1) + 1),
      /checksum/,
    ],
    ['a truncated file', (b: Buffer) => b.subarray(0, b.length - 100), /bytes where the header says/],
    ['another file', () => Buffer.from('start,end,asn,org\n'), /not an asn\.bin file/],
  ])('asn.bin with %s is corrupt, in one line', (_, damage, pattern) => {
    const dir = copyOfData();
    const file = path.join(dir, GEO_FILES.asn);
    writeFileSync(file, damage(readFileSync(file)));
    expectOneLineError(() => openGeoData(dir), pattern);
  });

  it('a country.mmdb that is not a MaxMind database is corrupt, in one line', () => {
    const dir = copyOfData();
    writeFileSync(path.join(dir, GEO_FILES.country), Buffer.alloc(4096, 7));
    expectOneLineError(() => openGeoData(dir), /country\.mmdb is corrupt/);
  });
});

describe('lazy loading and where the bot finds the data (fail-open)', () => {
  it('reads nothing until the first lookup, then answers as the eager reader does', () => {
    const dir = copyOfData();
    const errors: GeoDataError[] = [];
    const lazy = lazyGeoData(dir, (e) => errors.push(e));
    // Removing the files now would break a reader that had read them already.
    rmSync(path.join(dir, GEO_FILES.asn));
    expect(lazy.network('8.8.8.8')).toBeNull();
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/asn\.bin is missing/)]);
    // Its nulls mean "unknown": a `country` filter is refused rather than answered "nobody".
    expect(lazy.available()).toBe(false);
    expect(geoProblem({ ...NO_FILTERS, countries: ['US'] }, lazy)).toMatch(/geo data is not available/);

    const working = lazyGeoData(geoDir, (e) => errors.push(e));
    expect(working.available()).toBe(true);
    expect(geoProblem({ ...NO_FILTERS, countries: ['US'] }, working)).toBeNull();
    expect(working.country('133.11.0.1')).toBe('JP');
    expect(working.network('133.11.0.1')).toEqual(data.network('133.11.0.1'));
  });

  it('finds (or builds) the directory only on the first lookup, and a failure to find it is one error', () => {
    const errors: GeoDataError[] = [];
    let asked = 0;
    const geo = lazyGeoData(
      () => {
        asked += 1;
        throw new Error("Cannot find module '@ip-location-db/asn/package.json'\nRequire stack: …");
      },
      (e) => errors.push(e),
    );
    expect(asked).toBe(0);
    expect([geo.country('8.8.8.8'), geo.network('8.8.8.8'), geo.network('5.9.0.1')]).toEqual([
      null,
      null,
      null,
    ]);
    expect(asked).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^geo data failed \(Cannot find module [^\n]*\): run npm install/);
    expect(errors[0]?.message).not.toContain('\n');
  });

  it('a file that cannot be read warns once, then every lookup is null', () => {
    const dir = copyOfData();
    writeFileSync(path.join(dir, GEO_FILES.asn), Buffer.alloc(64));
    const { logger, warnings } = recordingLogger();
    const geo = geoDataFor({ geoDir: dir }, logger);
    expect(warnings).toEqual([]);
    expect(placeOf('8.8.8.8', geo)).toEqual({
      kind: 'public',
      ip: '8.8.8.8',
      geo: { country: null, asn: null, network: null },
    });
    expect(geo?.network('5.9.0.1')).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields?.error).toMatch(/asn\.bin is corrupt/);
  });

  it('SIGNINS_GEO_DIR without the data: one warning at start and no geo data', () => {
    const { logger, warnings } = recordingLogger();
    expect(geoDataFor({ geoDir: path.join(tempDir(), 'nothing-here') }, logger)).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/without country and network/);
    expect(warnings[0]?.fields?.error).toMatch(/is missing: run npm install/);
  });

  it('SIGNINS_GEO_DIR is read into the config, unset as null', () => {
    expect(loadConfig({ [ENV.geoDir]: ' /opt/geo ' }).geoDir).toBe('/opt/geo');
    expect(loadConfig({}).geoDir).toBeNull();
  });

  it('without SIGNINS_GEO_DIR the build from the installed packages is used', () => {
    const { logger, warnings } = recordingLogger();
    const geo = geoDataFor({ geoDir: null }, logger);
    expect(geo?.country('5.9.0.1')).toBe('DE');
    expect(warnings).toEqual([]);
  });
});

describe('ensureGeoData', () => {
  it('keeps a complete build: asking again rebuilds nothing', () => {
    const asn = path.join(geoDir, GEO_FILES.asn);
    const before = statSync(asn).mtimeMs;
    expect(ensureGeoData()).toBe(geoDir);
    expect(statSync(asn).mtimeMs).toBe(before);
    expect(path.basename(path.dirname(geoDir))).toBe(GEO_DATA_VERSION);
    expect(path.basename(geoDir)).toBe(GEO_DIR_NAME);
    expect(readFileSync(path.join(geoDir, GEO_FILES.sources), 'utf8')).toMatch(
      /CC BY 4\.0.*RouteViews.*DB-IP.*NRO/,
    );
  });

  it('makes every file readable by all whatever the umask, as Lambda (not the owner) reads the layer', () => {
    const cacheRoot = tempDir();
    const umask = process.umask(0o077);
    let dir: string;
    try {
      dir = ensureGeoData(cacheRoot);
    } finally {
      process.umask(umask);
    }
    for (const file of Object.values(GEO_FILES)) {
      const mode = statSync(path.join(dir, file)).mode;
      // Windows keeps no group or other bits: readable there means not read-only for the owner either.
      expect(mode & (process.platform === 'win32' ? 0o400 : 0o044)).toBe(
        process.platform === 'win32' ? 0o400 : 0o044,
      );
    }
  });

  it('two processes building at once both get the same complete build, and leave no half-built directory', async () => {
    const cacheRoot = tempDir();
    const build = () =>
      execFileAsync(
        process.execPath,
        [
          '--require',
          'tsx/cjs',
          '-e',
          `process.stdout.write(require('./shared/geo-data-build.ts').ensureGeoData(${JSON.stringify(cacheRoot)}))`,
        ],
        { cwd: REPO },
      );
    const [a, b] = await Promise.all([build(), build()]);
    expect(a.stdout).toBe(b.stdout);
    // Byte for byte (Buffer.equals: jest's deep equality is slow on 10 MB).
    expect(
      readFileSync(path.join(a.stdout, GEO_FILES.asn)).equals(readFileSync(path.join(geoDir, GEO_FILES.asn))),
    ).toBe(true);
    expect(readdirSync(cacheRoot)).toEqual([GEO_DATA_VERSION]);
    expect(openGeoData(a.stdout).network('8.8.8.8')).toEqual({ asn: 15169, name: 'Google LLC' });
  });
});
