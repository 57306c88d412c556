// Runs `signins` as a user does (a child process on bin/signins.cjs) and tells an exit from a hang.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'signins.cjs');

export interface CliRun {
  /** The exit status, or 'hung' when it had to be killed. */
  readonly code: number | null | 'hung';
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A clean environment: no Slack credentials or AWS settings leak in from the developer's shell. */
export const cleanEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  SIGNINS_LOG_LEVEL: 'silent',
  // Never ask the EC2 metadata service for credentials (it is not on 127.0.0.1).
  AWS_EC2_METADATA_DISABLED: 'true',
});

export const runCli = (
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string | Buffer; timeoutMs?: number; bin?: string } = {},
): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
      cwd: ROOT,
      env: { ...cleanEnv(), ...options.env },
    });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: hung ? 'hung' : code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(options.stdin ?? '');
  });

export const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

export const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

/** Waits until `check` holds (a running `signins` acts on its own schedule), or fails naming what it waited for. */
export const until = async (what: string, check: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`waited for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};
