/**
 * The part of Longshore's device API (src/devices, built into dist/devices) the bench uses,
 * loaded at run time from a built checkout: the bench is compiled on its own (bench/tsconfig.json
 * has only bench/ as its root), so it names the shapes it relies on here instead of importing
 * them from src/.
 */
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

/** One entry of a walk (DeviceEntry in src/devices/port.ts). */
export interface BenchEntry {
  readonly path: string;
  readonly type: string;
  readonly size: number;
  readonly error?: Error;
}

/** A volume reader (DeviceReader in src/devices/port.ts). */
export interface BenchReader {
  readonly fileSystem: string;
  walk(): AsyncIterable<BenchEntry>;
  openFile(entry: BenchEntry): Readable;
  close(): Promise<void>;
}

/** A device as openDevice returns it (OpenedDevice in src/devices/open-device.ts). */
export type BenchDevice =
  | {
      readonly kind: 'block';
      readonly layout: { readonly volumes: readonly unknown[] };
      close(): Promise<void>;
    }
  | { readonly kind: 'mounted'; close(): Promise<void> };

/** The functions of dist/devices/index.js the bench calls. */
export interface DevicesApi {
  openDevice(path: string): Promise<BenchDevice>;
  openVolumeReader(
    device: BenchDevice,
    volume: unknown,
    options: { fatTimeZone: string; workDir: string },
  ): Promise<BenchReader>;
  openMountedReader(device: BenchDevice): Promise<BenchReader>;
  /** Unmounts what dead processes left under `${workDir}/mounts/` (NTFS readers' mounts). */
  cleanupStaleMounts(workDir: string): Promise<string[]>;
}

/**
 * Imports `<dist>/devices/index.js`. Throws when it is missing (run `npm run build` first) or
 * lacks one of the functions above.
 */
export async function loadDevicesApi(dist: string): Promise<DevicesApi> {
  const module = (await import(pathToFileURL(join(dist, 'devices', 'index.js')).href)) as Partial<DevicesApi>;
  for (const name of ['openDevice', 'openVolumeReader', 'openMountedReader', 'cleanupStaleMounts'] as const) {
    if (typeof module[name] !== 'function') throw new Error(`${dist}/devices/index.js has no ${name}()`);
  }
  return module as DevicesApi;
}

/**
 * The single reader of `target`: an image's only volume, or a directory as a mounted volume.
 * Throws when the image holds no volume or several, or what openDevice / the reader throw.
 */
export async function openSingleVolume(
  api: DevicesApi,
  target: string,
  workDir: string,
): Promise<{ device: BenchDevice; reader: BenchReader }> {
  const device = await api.openDevice(target);
  try {
    if (device.kind === 'mounted') return { device, reader: await api.openMountedReader(device) };
    const [volume, ...more] = device.layout.volumes;
    if (volume === undefined || more.length > 0) {
      throw new Error(`${target}: expected one volume, found ${device.layout.volumes.length}`);
    }
    return { device, reader: await api.openVolumeReader(device, volume, { fatTimeZone: 'UTC', workDir }) };
  } catch (err) {
    await device.close();
    throw err;
  }
}
