import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureDiskFixtures } from './helpers/disks.js';

/**
 * Functional tests run the built CLI: build it once if `npm test` has not already. A failing build
 * is reported but does not stop unit tests of other parts (`npm test` builds, and fails, first).
 * The disk fixtures are built here too, so that no test's hook waits for them.
 */
export default async function setup(): Promise<void> {
  if (!existsSync('dist/cli/main.js')) {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    } catch {
      console.error('global-setup: the build failed; functional tests that run dist/cli/main.js will fail');
    }
  }
  // The disk images of test/fixtures/disks, built once per machine (about 20 s) and cached.
  await ensureDiskFixtures();
}
