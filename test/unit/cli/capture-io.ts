import type { CliIo } from '../../../src/cli/io.js';

/** A CliIo that records what a run writes, with its own environment. */
export function captureIo(env: Record<string, string> = {}, cwd = '/tmp') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text), env, cwd };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
