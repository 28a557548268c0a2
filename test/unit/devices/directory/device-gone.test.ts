import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirectoryVolume } from '../../../../src/devices/directory/index.js';
import { fsFailure, isDeviceLevel } from '../../../../src/devices/directory/errors.js';
import { DeviceReadError } from '../../../../src/devices/port.js';
import { fuseUnavailableReason, startBadblk, type Badblk } from '../../../helpers/badblk.js';
import { collect } from './reader-harness.js';

// Errors that mean the whole device (or the FUSE daemon behind a mount) is gone are device
// scope: mapped from their errno, and for real on a FUSE mount whose daemon was killed.

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('fsFailure', () => {
  it('makes ENODEV, ENXIO and ENOTCONN device-scope, and EIO or EACCES file-scope', () => {
    for (const code of ['ENODEV', 'ENXIO', 'ENOTCONN', 'ESHUTDOWN']) {
      expect(fsFailure(errno(code), 'read', 'a/b', 42), code).toMatchObject({
        code,
        scope: 'device',
        offset: 42,
      });
      expect(isDeviceLevel(errno(code))).toBe(true);
    }
    for (const code of ['EIO', 'EACCES', 'EOPNOTSUPP']) {
      const failure = fsFailure(errno(code), 'open', 'a/b');
      expect(failure, code).toMatchObject({
        code,
        scope: 'file',
        operation: 'open',
        path: 'a/b',
        offset: null,
      });
      expect(failure.message).toContain(code);
    }
    const given = new DeviceReadError({ code: 'EIO', operation: 'read', path: 'x', scope: 'device' });
    expect(fsFailure(given, 'read', 'y')).toBe(given);
  });
});

const SKIP = fuseUnavailableReason() ?? (process.getuid?.() === 0 ? null : 'not root');
let work: string;
let badblk: Badblk | null = null;

beforeAll(async () => {
  if (SKIP) return;
  work = await mkdtemp(join(tmpdir(), 'longshore-gone-'));
  await writeFile(join(work, 'disk.img'), randomBytes(4 << 20));
  badblk = await startBadblk(join(work, 'disk.img'), []);
});

afterAll(async () => {
  await badblk?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(SKIP)(`a FUSE mount whose daemon died${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  it('ends an open stream and the walk with device-scope errors', async () => {
    const reader = await openDirectoryVolume(badblk!.mountPoint, { fileSystem: 'NTFS' });
    const [disk] = await collect(reader);
    expect(disk).toMatchObject({ path: 'disk', type: 'file', size: 4 << 20 });
    const stream = reader.openFile(disk!);
    await new Promise((resolve) => stream.once('readable', resolve));
    await badblk!.crash();
    const err = await new Promise((resolve) => {
      stream.on('error', resolve);
      stream.resume();
    });
    expect(err).toMatchObject({
      name: 'DeviceReadError',
      code: 'ENOTCONN',
      scope: 'device',
      operation: 'read',
    });
    const walk = await collect(reader).catch((e: unknown) => e);
    expect(walk).toMatchObject({
      name: 'DeviceReadError',
      code: 'ENOTCONN',
      scope: 'device',
      operation: 'readdir',
    });
    await reader.close();
  });
});
