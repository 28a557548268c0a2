import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';

/** How a command ended and what it printed. */
export interface CommandResult {
  /** Exit status; null when it was killed (e.g. by the timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Longest a mount tool may take: ntfs-3g on a failing disk waits on the disk's own retries. */
export const COMMAND_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs `command args` without a shell, stdin closed, and collects its output. Resolves with
 * any exit status; rejects only when the program cannot be started (ENOENT, EACCES). A command
 * still running after `timeoutMs` is killed (code null).
 */
export function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs = COMMAND_TIMEOUT_MS,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

/** stderr (or stdout when stderr is empty) on one line, for error messages. */
export function commandOutput(result: CommandResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).replace(/\s*\n\s*/g, ' ');
  return text || `exit status ${result.code ?? 'killed'}`;
}

/** True when `pid` names a live process (EPERM means alive, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The start time of `pid` in clock ticks since boot (field 22 of /proc/PID/stat), which tells
 * a live process from a later one that reused its pid; null when there is no such process.
 */
export async function processStartTime(pid: number): Promise<string | null> {
  try {
    const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8');
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return afterName[19] ?? null; // fields from the 3rd on: the 22nd is index 19
  } catch {
    return null;
  }
}
