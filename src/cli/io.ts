import { processEnvironment, type Environment } from '../config/index.js';

/** Where a CLI run reads its environment and writes its output; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Environment;
  readonly cwd: string;
}

/** The real process: stdout, stderr, process.env (through src/config), the working directory. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: processEnvironment(),
    cwd: process.cwd(),
  };
}
