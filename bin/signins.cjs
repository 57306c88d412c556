#!/usr/bin/env node
// Runs the compiled CLI (dist/cli, built by tools/build-cli.mjs at npm install and `npm run build`) when it
// is there and as new as its sources; otherwise the TypeScript sources through tsx (seconds slower to start).
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

// The AWS SDK warns about Node 20's end of support on every run; the rest of the warnings stay.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (
    String(text).includes('AWS SDK for JavaScript') ||
    rest[0]?.type === 'NodeVersionSupportWarning' ||
    rest[0] === 'NodeVersionSupportWarning'
  )
    return;
  return emitWarning.call(process, warning, ...rest);
};
// `signins parse … | head`: the reader went away; that is the end, not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
// The CLI benchmark's peak-memory reading (bench/cli.ts): the kernel's own count, at the very end. On Linux the
// process's own high-water mark (VmHWM): getrusage's maxRSS survives exec, so a child of a big process (the
// benchmark after its other parts) would report its parent's size. Elsewhere, maxRSS.
const peakRssKb = () => {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
};
if (process.env.SIGNINS_REPORT_MAX_RSS === '1')
  process.on('exit', () => process.stderr.write(`signins: max RSS ${peakRssKb()} KB\n`));

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist', 'cli');

/** The build is fresh when every source it was built from still has the mtime it had then. */
const builtIsFresh = () => {
  let sources;
  try {
    sources = JSON.parse(readFileSync(join(DIST, 'stamp.json'), 'utf8')).sources;
  } catch {
    return false;
  }
  return Object.entries(sources).every(
    ([path, mtimeMs]) => statSync(join(ROOT, path), { throwIfNoEntry: false })?.mtimeMs === mtimeMs,
  );
};

const loadMain = async () => {
  if (builtIsFresh()) return (await import(pathToFileURL(join(DIST, 'main.mjs')).href)).main;
  process.stderr.write(
    'signins: running from the TypeScript sources (dist/cli is missing or older than them): npm run build makes every command start faster\n',
  );
  // Both hooks: main.ts loads each command with import(), which the CommonJS hook alone does not see.
  (await import('tsx/esm/api')).register();
  require('tsx/cjs');
  return require('../bot/cli/main.ts').main;
};

const drainedStream = (stream) =>
  stream.writableNeedDrain ? new Promise((resolve) => stream.once('drain', resolve)) : Promise.resolve();
const io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  // A pipe's reader can be slower than parse: wait for it rather than queue the output in memory (stderr too:
  // `2>&1 | less` over a file of bad records).
  drained: () => Promise.all([process.stdout, process.stderr].map(drainedStream)).then(() => undefined),
};
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being removed.
const printable = (text) => String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
// Once main is done nothing should keep the process alive; if something still does (a socket a library
// left open), say so and leave rather than hang in front of the user.
const leaveSoon = () =>
  setTimeout(() => {
    process.stderr.write(
      'signins: something was still running after the end (a bug in signins): leaving anyway\n',
    );
    process.exit();
  }, 2000).unref();
loadMain()
  .then((main) => main(process.argv.slice(2), io))
  .then(
    async (code) => {
      process.exitCode = code;
      // The last lines (replay's final redraws and summary) are the reader's before the safety timer starts.
      await io.drained();
      leaveSoon();
    },
    (err) => {
      // Failures a user can fix are one line from main; what reaches here is a bug in signins.
      const debug = process.env.SIGNINS_DEBUG === '1';
      process.stderr.write(
        debug
          ? `signins: ${err?.stack ?? String(err)}\n`
          : `signins: internal error: ${printable(err?.message ?? err)} (SIGNINS_DEBUG=1 shows where; please report it)\n`,
      );
      process.exitCode = 1;
      leaveSoon();
    },
  );
