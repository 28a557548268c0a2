import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Functional tests run the built CLI: build it once if `npm test` has not already. */
export default function setup(): void {
  if (!existsSync('dist/cli/main.js')) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  }
}
