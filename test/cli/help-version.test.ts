// `signins --version`, `signins --help` and `signins COMMAND --help`: answers, not runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCommands, commandNames, main } from '../../bot/cli/main';
import { ROOT, runCli } from './run-cli';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
};

describe('signins --version and --help', () => {
  it('--version prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists every command with its summary, on stdout, exit 0', async () => {
    const { io, out } = capture();
    expect(await main(['--help'], io)).toBe(0);
    for (const c of await allCommands())
      expect(out.join('\n')).toMatch(new RegExp(`^  ${c.name} +${c.summary.replace(/[()]/g, '\\$&')}$`, 'm'));
  });

  it.each(commandNames)('%s --help prints its usage and options without running it', async (name) => {
    const { io, out, err } = capture();
    // Stdin is never read, Slack never called, nothing written: the help is all that happens.
    expect(await main([name, '--help'], io)).toBe(0);
    expect(out.join('\n')).toMatch(new RegExp(`^usage: signins ${name}\\b`));
    expect(err).toEqual([]);
    const { io: io2, out: out2 } = capture();
    expect(await main(['help', name], io2)).toBe(0);
    expect(out2).toEqual(out);
  });

  it('an unknown command and an unknown option are one line each (plus the usage), exit 1', async () => {
    const unknown = capture();
    expect(await main(['strat'], unknown.io)).toBe(1);
    expect(unknown.err[0]).toMatch(/^signins: unknown command "strat"\nusage: signins COMMAND/);
    const option = capture();
    expect(await main(['parse', '--frobnicate'], option.io)).toBe(1);
    expect(option.err).toEqual([expect.stringMatching(/^signins: Unknown option '--frobnicate'/)]);
  });
});
