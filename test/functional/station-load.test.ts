import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImportLog, type ImportLogRow } from '../../src/station/import-log/index.js';
import { openEmbeddedStore, type ObjectStore } from '../../src/storage/index.js';
import { readExpected } from '../helpers/disks.js';
import { startStationWorld, type StationWorld } from '../helpers/station-world.js';

// The whole station path as operators run it: `longshore serve`, a customer job, the intake
// fixture disks (all four file systems, partitioned) with the job's SIGNATURE, `station receive`,
// `station load`, then every object's bytes and MD5 and every import-log row are checked against
// the source tree the fixture was built from. The storage target is the embedded store.
const FIXTURES = ['fat32-mbr', 'ext2-gpt', 'ext3-mbr', 'ntfs-gpt'];
const TIMEOUT = 600_000;
let world: StationWorld;

beforeAll(async () => {
  world = await startStationWorld('load', { bucket: 'loaded' });
}, TIMEOUT);
afterAll(() => world?.stop());

/** MD5 and SHA-256 of an object's bytes. */
async function digest(
  store: ObjectStore,
  bucket: string,
  key: string,
): Promise<{ md5: string; sha256: string }> {
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  for await (const chunk of (await store.getObject(bucket, key)) as AsyncIterable<Buffer>) {
    md5.update(chunk);
    sha.update(chunk);
  }
  return { md5: md5.digest('hex'), sha256: sha.digest('hex') };
}

async function objectText(store: ObjectStore, bucket: string, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await store.getObject(bucket, key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe.each(FIXTURES)('station receive + load of %s into the embedded store', (fixture) => {
  it(
    'stores every file with its bytes and writes a log row for each, Success in GetStatus',
    async () => {
      const prefix = `${fixture}/`;
      const { jobId } = await world.receivedJob(fixture, `prefix: ${prefix}\nlogPrefix: logs/\n`);
      const load = await world.cli(['station', 'load', '--job-id', jobId]);
      expect(load.code, load.stderr).toBe(0);
      const summary = JSON.parse(load.stdout) as {
        outcome: string;
        errors: number;
        log: { bucket: string; key: string };
      };
      const logKey = `logs/import-log-${jobId}.csv`;
      expect(summary).toMatchObject({
        outcome: 'finished',
        errors: 0,
        log: { bucket: 'loaded', key: logKey },
      });

      const status = JSON.parse(
        (await world.customer(['get-status', '--job-id', jobId, '--json'])).stdout,
      ) as object;
      expect(status).toMatchObject({
        LocationCode: 'AtAWS',
        ProgressCode: 'Success',
        LogBucket: 'loaded',
        LogKey: logKey,
        ErrorCount: 0,
      });

      const store = await openEmbeddedStore(join(world.dataDir, 'objects'));
      try {
        const rows = parseImportLog(await objectText(store, 'loaded', logKey));
        const byFile = new Map<string, ImportLogRow>(rows.map((r) => [r.file, r]));
        expect(byFile.size, 'one row per file').toBe(rows.length);
        const expected = (await readExpected(fixture)).filter((e) => e.type !== 'directory');
        expect(rows).toHaveLength(expected.length);
        for (const entry of expected) {
          const row = byFile.get(entry.path);
          expect(row, entry.path).toBeDefined();
          if (entry.path === 'SIGNATURE' || entry.type !== 'file') {
            expect([entry.path, row!.status, row!.code]).toEqual([entry.path, 103, 'Ignored']);
            continue;
          }
          const key = `${prefix}${entry.path}`;
          expect([entry.path, row!.status, row!.code, row!.key, row!.bytes]).toEqual([
            entry.path,
            200,
            'OK',
            `loaded/${key}`,
            entry.size,
          ]);
          const stored = await digest(store, 'loaded', key);
          expect([entry.path, stored.sha256, stored.md5]).toEqual([entry.path, entry.sha256, row!.md5]);
        }
      } finally {
        await store.close();
      }
    },
    TIMEOUT,
  );
});
