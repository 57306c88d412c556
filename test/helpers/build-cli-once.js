// Jest globalSetup: the CLI tests run bin/signins.cjs, which runs the compiled CLI in dist/cli when it is as
// new as its sources. Building it once per jest run (~2 s) means no test ever runs code older than the tree,
// nor pays the TypeScript fallback's start-up in every child process.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = () => {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'tools', 'build-cli.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
};
