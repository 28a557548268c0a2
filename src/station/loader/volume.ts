import {
  DeviceReadError,
  openDevice,
  openMountedReader,
  openVolumeReader,
  type DeviceReader,
  type OpenedDevice,
  type ReaderOptions,
} from '../../devices/index.js';
import type { IntakeDevice } from '../port.js';
import type { OpenedVolume } from './types.js';

// Opens the volume the intake inspected: the same path (or the operator's override), the volume
// at the recorded offset, and it must still hold the recorded file system.

/**
 * Opens `device`'s volume at `path` for reading. Errors: the open's errno (ENOENT...), or a
 * DeviceReadError (scope device) when there is no volume at the recorded offset or it no longer
 * holds the inspected file system.
 */
export async function openTicketVolume(
  device: IntakeDevice,
  path: string,
  options: ReaderOptions,
): Promise<OpenedVolume> {
  const opened = await openDevice(path);
  let reader: DeviceReader | null = null;
  try {
    reader = await readerOf(opened, device, options);
    if (reader.fileSystem !== device.fileSystem) {
      throw notInspected(path, `it holds ${reader.fileSystem}, the intake found ${device.fileSystem}`);
    }
    const open = reader;
    return { reader: open, close: async () => void (await open.close(), await opened.close()) };
  } catch (error) {
    await reader?.close();
    await opened.close();
    throw error;
  }
}

async function readerOf(
  opened: OpenedDevice,
  device: IntakeDevice,
  options: ReaderOptions,
): Promise<DeviceReader> {
  if (opened.kind === 'mounted') return openMountedReader(opened);
  const offset = device.volumeOffset ?? 0;
  const volume = opened.layout.volumes.find((candidate) => candidate.offset === offset);
  if (volume === undefined) throw notInspected(opened.path, `there is no volume at byte ${offset}`);
  return openVolumeReader(opened, volume, options);
}

function notInspected(path: string, why: string): DeviceReadError {
  return new DeviceReadError({
    code: 'ENOTINSPECTED',
    operation: 'mount',
    path,
    scope: 'device',
    message: `${path} is not the device the intake inspected: ${why}`,
  });
}
