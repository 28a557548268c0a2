/** Child processes for the bench: run a command to completion, or time a shell pipeline. */
import { spawn } from 'node:child_process';

/** How a command ended, with its output. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/**
 * Runs `command args` and collects its output; `onStart` gets its PID once it runs. Rejects only
 * when it cannot be started (ENOENT); the exit status is in the result.
 */
export function spawnCommand(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  onStart: (pid: number) => void = () => {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('spawn', () => onStart(child.pid!));
    child.once('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        seconds: (performance.now() - started) / 1000,
      }),
    );
  });
}

/**
 * Runs a command that must succeed: throws an Error with its stderr when it exits non-zero (or
 * cannot be started).
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  const result = await spawnCommand(command, args, env);
  if (result.code !== 0) {
    const output = (result.stderr || result.stdout).trim().slice(-2000);
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}: ${output}`);
  }
  return result;
}

/** True when `command` is found on the PATH. */
export async function onPath(command: string): Promise<boolean> {
  const result = await spawnCommand('sh', ['-c', 'command -v "$1"', 'sh', command]);
  return result.code === 0;
}
