// `npm ci` refuses a lockfile that lacks a platform's optional binary package, and a Mac or Windows clone
// then cannot run `npm test` (README: the two commands work on Linux, macOS and Windows).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface LockEntry {
  readonly optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(path.join(__dirname, '../../package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const installedNames = new Set(Object.keys(lock.packages).map((key) => key.replace(/^.*node_modules\//, '')));

describe('package-lock.json', () => {
  it('lists every optional (platform) package that any locked package asks for', () => {
    const missing = Object.entries(lock.packages).flatMap(([key, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !installedNames.has(name))
        .map((name) => `${key || 'root'} → ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it.each([
    '@biomejs/cli-darwin-arm64',
    '@biomejs/cli-win32-x64',
    '@biomejs/cli-linux-x64',
    '@swc/core-darwin-arm64',
    '@swc/core-win32-x64-msvc',
    '@swc/core-linux-x64-gnu',
    '@unrs/resolver-binding-darwin-arm64',
    '@unrs/resolver-binding-win32-x64-msvc',
    '@esbuild/darwin-arm64',
    '@esbuild/win32-x64',
  ])('carries the %s binary', (name) => {
    expect(lock.packages[`node_modules/${name}`]).toBeDefined();
  });
});
