#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx (no build step).
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
require('tsx/cjs');
const { main } = require('../bot/cli/main.ts');

const io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`signins: ${err?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
