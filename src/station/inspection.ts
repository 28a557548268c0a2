import type { StationPolicy } from '../config/index.js';
import {
  describeVolume,
  openDevice,
  openMountedReader,
  openVolumeReader,
  type BlockDevice,
  type DeviceReader,
  type FileSystemKind,
  type OpenedDevice,
  type Volume,
} from '../devices/index.js';
import type { InspectionFailure } from '../jobs/index.js';
import { readSignatureText } from './signature-file.js';

/** Parts an operator can find missing from a package (`--missing`). */
export const MISSING_PARTS = ['device', 'power-supply', 'connectors'] as const;
export type MissingPart = (typeof MISSING_PARTS)[number];

/** What the operator found in the package. */
export interface PackageContents {
  readonly devicePath: string;
  readonly connector: string;
  readonly power: string;
  readonly missing: readonly MissingPart[];
}

export interface InspectionSettings extends Omit<StationPolicy, 'autoLoad'> {
  /** NTFS mount points and their registry. */
  readonly workDir: string;
}

/** A device that passed every local check: its SIGNATURE still has to be verified by the control plane. */
export interface DevicePassed {
  readonly passed: true;
  readonly fileSystem: FileSystemKind;
  /** `whole device` or `partition N`. */
  readonly volume: string;
  /** Byte offset of the volume on the device; null for a mounted directory. */
  readonly volumeOffset: number | null;
  readonly label: string | null;
  readonly warnings: readonly string[];
  readonly signatureText: string;
  readonly detail: string;
}

export interface DeviceFailed {
  readonly passed: false;
  readonly failure: InspectionFailure;
  readonly detail: string;
}

export type DeviceInspection = DevicePassed | DeviceFailed;

const fail = (failure: InspectionFailure, detail: string): DeviceFailed => ({
  passed: false,
  failure,
  detail,
});

/**
 * The station's checks of DECISIONS §2, in order, up to finding the SIGNATURE file: parts present
 * (MissingDevice), connector (UnsupportedDeviceType), power supply (UnsupportedPowerSupply),
 * device readable (DeviceError), file system accepted (UnsupportedFileFormat), SIGNATURE present
 * (MissingSignature). Never writes to the device; always closes what it opened.
 */
export async function inspectDevice(
  contents: PackageContents,
  settings: InspectionSettings,
): Promise<DeviceInspection> {
  if (contents.missing.length > 0) {
    return fail('MissingDevice', `Missing from the package: ${contents.missing.join(', ')}.`);
  }
  if (!settings.acceptedConnectors.includes(contents.connector)) {
    return fail(
      'UnsupportedDeviceType',
      `Connector ${contents.connector} is not accepted (accepted: ${settings.acceptedConnectors.join(', ')}).`,
    );
  }
  if (!settings.acceptedPowerSupplies.includes(contents.power)) {
    return fail(
      'UnsupportedPowerSupply',
      `Power supply ${contents.power} is not accepted (accepted: ${settings.acceptedPowerSupplies.join(', ')}).`,
    );
  }
  let device: OpenedDevice;
  try {
    device = await openDevice(contents.devicePath);
  } catch (err) {
    return fail('DeviceError', `The device could not be read: ${errorText(err)}.`);
  }
  try {
    return device.kind === 'mounted'
      ? await inspectMounted(device, settings)
      : await inspectBlock(device, settings);
  } finally {
    await device.close();
  }
}

function accepted(kind: FileSystemKind, settings: InspectionSettings): boolean {
  return (settings.acceptedFileSystems as readonly string[]).includes(kind);
}

function unsupported(found: string, settings: InspectionSettings): DeviceFailed {
  return fail('UnsupportedFileFormat', `${found}; accepted: ${settings.acceptedFileSystems.join(', ')}.`);
}

async function inspectMounted(
  device: Extract<OpenedDevice, { kind: 'mounted' }>,
  settings: InspectionSettings,
): Promise<DeviceInspection> {
  if (!accepted(device.fileSystem, settings)) {
    return unsupported(
      `The mounted directory holds ${device.fileSystem} (mounted at ${device.mountPoint})`,
      settings,
    );
  }
  const reader = await openMountedReader(device);
  return inspectVolume(reader, 'mounted directory', null, settings).finally(() => reader.close());
}

/** `exFAT (whole device)`, `ext4 with extent, 64bit (partition 2)`. */
function foundText(volume: Volume): string {
  const { kind, features } = volume.detection;
  const what = kind === 'unknown' ? 'no known file system' : kind;
  return `${what}${features.length ? ` with ${features.join(', ')}` : ''} (${describeVolume(volume)})`;
}

async function inspectBlock(device: BlockDevice, settings: InspectionSettings): Promise<DeviceInspection> {
  const { volumes } = device.layout;
  if (volumes.length === 0) {
    // DECISIONS §9: anything unrecognised is UnsupportedFileFormat; DeviceError is for a device
    // that cannot be read (openDevice threw) or that ends before its file system does.
    return unsupported(
      'The device holds neither a partition table nor a known file system (blank or unrecognised)',
      settings,
    );
  }
  const candidates = volumes.filter((v) => accepted(v.detection.kind, settings));
  if (candidates.length === 0) return unsupported(`Found ${volumes.map(foundText).join(', ')}`, settings);
  const problems: string[] = [];
  for (const volume of candidates) {
    if (volume.truncated) {
      problems.push(
        `${describeVolume(volume)}: the device ends before its ${volume.detection.kind} file system does (truncated or failing)`,
      );
      continue;
    }
    let reader: DeviceReader;
    try {
      reader = await openVolumeReader(device, volume, {
        fatTimeZone: settings.fatTimeZone,
        workDir: settings.workDir,
      });
    } catch (err) {
      problems.push(`${describeVolume(volume)}: ${errorText(err)}`);
      continue;
    }
    const outcome = await inspectVolume(reader, describeVolume(volume), volume.offset, settings).finally(() =>
      reader.close(),
    );
    if (outcome.passed || outcome.failure !== 'MissingSignature') return outcome;
  }
  if (problems.length > 0)
    return fail('DeviceError', `The device could not be read: ${problems.join('; ')}.`);
  return fail(
    'MissingSignature',
    `No SIGNATURE file in the root of ${candidates.map(foundText).join(', ')}.`,
  );
}

async function inspectVolume(
  reader: DeviceReader,
  volume: string,
  volumeOffset: number | null,
  settings: InspectionSettings,
): Promise<DeviceInspection> {
  if (!accepted(reader.fileSystem, settings))
    return unsupported(`Found ${reader.fileSystem} (${volume})`, settings);
  const caseInsensitive =
    reader.fileSystem !== 'ext2' && reader.fileSystem !== 'ext3' && reader.fileSystem !== 'ext4';
  let signatureText: string | null;
  try {
    signatureText = await readSignatureText(reader, caseInsensitive);
  } catch (err) {
    return fail(
      'DeviceError',
      `The SIGNATURE file on the ${reader.fileSystem} volume (${volume}) could not be read: ${errorText(err)}.`,
    );
  }
  if (signatureText === null)
    return fail(
      'MissingSignature',
      `No SIGNATURE file in the root of the ${reader.fileSystem} volume (${volume}).`,
    );
  const label = reader.label ? ` labelled "${reader.label}"` : '';
  return {
    passed: true,
    fileSystem: reader.fileSystem,
    volume,
    volumeOffset,
    label: reader.label,
    warnings: reader.warnings,
    signatureText,
    detail: `inspection passed: ${reader.fileSystem} volume${label} (${volume}) with a SIGNATURE file`,
  };
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.message ?? String(err);
}
