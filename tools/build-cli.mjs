#!/usr/bin/env node
// Bundles the `signins` CLI into one CommonJS file, so that a command starts without compiling TypeScript.
// Run by `npm run build` and `prepare` (npm install / npm ci), and once per jest run (test/helpers).
// Writes dist/cli/main.mjs, its chunks (one per command, shared code split out: one 6 MB file takes V8
// ~140 ms just to scan, three times `node -e 0`), and dist/cli/stamp.json: the sources with their mtimes,
// which bin/signins.cjs compares (a stat each, ~1 ms in all) to tell a fresh build from a stale one.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Two levels below the root, as bot/cli/ is: the sources' `join(__dirname, '..', '..', …)` (package.json for
// --version, the examples) find the same files from the bundle.
export const OUT_DIR = join(ROOT, 'dist', 'cli');
export const ENTRY = join(OUT_DIR, 'main.mjs');
export const STAMP = join(OUT_DIR, 'stamp.json');

// ES modules have no require or __dirname: each chunk gets its own (dynalite and the geo packages are
// required at run time; all chunks sit in one folder, so __dirname is the same as the entry's).
const BANNER = [
  "import { createRequire as __signinsCreateRequire } from 'node:module';",
  "import { dirname as __signinsDirname } from 'node:path';",
  "import { fileURLToPath as __signinsFileURLToPath } from 'node:url';",
  'const require = __signinsCreateRequire(import.meta.url);',
  'const __filename = __signinsFileURLToPath(import.meta.url);',
  'const __dirname = __signinsDirname(__filename);',
].join('\n');

const posix = (p) => p.split(sep).join('/');

/** Builds the CLI and its stamp; returns the entry's size, all chunks' size and how long it took. */
export const buildCli = async () => {
  const started = Date.now();
  // A devDependency: `npm install --omit=dev` has none, and the CLI then runs from the sources.
  const { build } = await import('esbuild');
  const building = join(ROOT, 'dist', `.cli-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: join(ROOT, 'bot', 'cli', 'main.ts') },
    outdir: building,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // dynalite is required lazily and keeps its LevelDB files beside it; ws's native helpers are optional.
    external: ['dynalite', 'bufferutil', 'utf-8-validate'],
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
  });
  const sources = Object.keys(result.metafile.inputs)
    .filter((p) => !p.split(/[\\/]/).includes('node_modules'))
    .map((p) => posix(relative(ROOT, join(process.cwd(), p))))
    .sort();
  const mtimes = Object.fromEntries(sources.map((p) => [p, statSync(join(ROOT, p)).mtimeMs]));
  writeFileSync(join(building, 'stamp.json'), `${JSON.stringify({ sources: mtimes })}\n`);
  // Moved in file by file, chunks first, the entry and the stamp last: a `signins` already running (another
  // shell, a test) still finds its chunks, whose names carry their content's hash.
  const files = readdirSync(building);
  const last = ['main.mjs', 'stamp.json'];
  mkdirSync(OUT_DIR, { recursive: true });
  for (const name of [...files.filter((f) => !last.includes(f)), ...last])
    renameSync(join(building, name), join(OUT_DIR, name));
  rmSync(building, { recursive: true, force: true });
  pruneOldChunks(new Set(files));
  const outputs = Object.values(result.metafile.outputs);
  return {
    entryBytes: statSync(ENTRY).size,
    totalBytes: outputs.reduce((n, o) => n + o.bytes, 0),
    chunks: outputs.length,
    sources: sources.length,
    ms: Date.now() - started,
  };
};

// Chunks of earlier builds, once no process started before this build can still be loading them.
const pruneOldChunks = (current) => {
  const before = Date.now() - 10 * 60_000;
  for (const name of readdirSync(OUT_DIR)) {
    const path = join(OUT_DIR, name);
    if (!current.has(name) && statSync(path).mtimeMs < before) rmSync(path, { force: true });
  }
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const built = await buildCli();
    process.stdout.write(
      `signins: built ${posix(relative(ROOT, OUT_DIR))}/ (${built.chunks} files, ${(built.totalBytes / 1e6).toFixed(1)} MB from ${built.sources} sources) in ${built.ms} ms\n`,
    );
  } catch (err) {
    // `prepare` passes --if-possible: an install without devDependencies must not fail for want of esbuild.
    if (!(process.argv.includes('--if-possible') && err?.code === 'ERR_MODULE_NOT_FOUND')) throw err;
    process.stdout.write('signins: esbuild is not installed: the CLI will run from the TypeScript sources\n');
  }
}
