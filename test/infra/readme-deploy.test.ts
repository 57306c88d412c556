// README "Deploy" is how a user learns the context keys, the Slack scopes and the bill: it must not fall behind
// infra/context.ts, the manifest or the alarms the stack creates.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONTEXT_KEYS } from '../../infra/context';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { HEALTH_ALARMS } from '../../shared/health-alarms';

const root = path.join(__dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const deploy = readme.split(/^## Deploy$/m)[1]?.split(/^## /m)[0] ?? '';
const manifest = readFileSync(path.join(root, 'slack', 'manifest.yml'), 'utf8');

/** The first cell of each row of the Markdown table that follows `heading` (its first line). */
const firstCells = (heading: RegExp): string[] => {
  const table = deploy.split(heading)[1]?.split(/\n\n/)[0] ?? '';
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|')[1]?.trim() ?? '');
};

describe('README "Deploy"', () => {
  it('lists every context key infra/app.ts understands, and no other', () => {
    const keys = firstCells(/^\| Context key \|.*$/m).map((cell) => cell.replace(/`/g, ''));
    expect(keys.sort()).toEqual([...CONTEXT_KEYS].sort());
  });

  it('says why the app asks for each scope of slack/manifest.yml', () => {
    const scopeBlock = manifest.split(/^\s+bot:\s*$/m)[1]?.split(/^settings:/m)[0] ?? '';
    const scopes = [...scopeBlock.matchAll(/^\s+-\s+([\w:.]+)\s*$/gm)].map((m) => m[1]);
    const documented = firstCells(/^\| scope \| why \|$/m).flatMap((cell) =>
      [...cell.matchAll(/`([\w:.]+)`/g)].map((m) => m[1]),
    );
    expect(documented.sort()).toEqual(scopes.sort());
  });

  it('counts the alarms the stack creates when it prices them', () => {
    const health = Object.keys(HEALTH_ALARMS).length;
    const total = SIGNIN_ALARMS.length + health;
    expect(deploy).toContain(`${health} pipeline-health alarms`);
    expect(deploy).toContain(
      `${total} standard alarms (${SIGNIN_ALARMS.length} sign-in, ${health} pipeline-health)`,
    );
  });
});
