import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { resolveConfig, type StationClientConfig } from '../../config/index.js';
import { cleanupStaleMounts } from '../../devices/index.js';
import {
  intakeFailure,
  MISSING_PARTS,
  receiveDevice,
  type IntakeResult,
  type MissingPart,
} from '../../station/index.js';
import { adminClientFor } from '../admin-client.js';
import { addConfigOptions } from '../config-options.js';
import type { CliIo } from '../io.js';
import { printResult } from '../output.js';
import { usageInvalid } from '../usage-errors.js';
import { jobIdArg } from './admin-job.js';

type Flags = Record<string, unknown>;

/** Where the station keeps its own state: NTFS mount points and their registry. */
export function stationWorkDir(config: StationClientConfig): string {
  return join(config.dataDir, 'station');
}

/** Every station command starts here: its config, and no mount left behind by a crashed run. */
async function stationContext(
  flags: Flags,
  io: CliIo,
): Promise<{ config: StationClientConfig; workDir: string }> {
  const config = resolveConfig('station', flags, io.env, io.cwd);
  const workDir = stationWorkDir(config);
  await fsp.mkdir(workDir, { recursive: true });
  for (const cleaned of await cleanupStaleMounts(workDir)) {
    io.stderr(`longshore station: cleaned up a mount left by an earlier run: ${cleaned}\n`);
  }
  return { config, workDir };
}

function parseMissing(value: string, previous: MissingPart[] = []): MissingPart[] {
  const parts = value.split(',').map((p) => p.trim());
  for (const part of parts) {
    if (!(MISSING_PARTS as readonly string[]).includes(part)) {
      usageInvalid('--missing', value, `one or more of ${MISSING_PARTS.join(', ')}`);
    }
  }
  return [...new Set([...previous, ...(parts as MissingPart[])])];
}

function formatIntake(result: IntakeResult): string {
  const { job } = result;
  const lines = [
    `Job ${job.jobId}: ${result.alreadyReceived ? 'device already received, inspected again' : 'device received'}.`,
    `location  ${job.locationCode}: ${job.locationMessage}`,
    `progress  ${job.progressCode}: ${job.progressMessage}`,
  ];
  if (result.fileSystem) lines.push(`volume    ${result.fileSystem} (${result.volume})`);
  for (const warning of result.warnings) lines.push(`warning   ${warning}`);
  lines.push(
    result.passed ? 'Inspection passed: the device can be loaded.' : `Inspection failed: ${result.detail}`,
  );
  return lines.join('\n');
}

function registerReceive(station: Command, io: CliIo): void {
  const cmd = station
    .command('receive')
    .description('record a device as received, inspect it and verify its SIGNATURE (the job becomes AtAWS)')
    .requiredOption('--job-id <ID>', 'the job the device arrived for', jobIdArg)
    .requiredOption(
      '--device <PATH>',
      'raw device, image file (FAT32, ext2, ext3, NTFS; MBR/GPT or not) or mounted directory',
    )
    .option('--connector <NAME>', "the device's connector", 'usb2')
    .option('--power <NAME>', "the device's power supply", '120V-60Hz')
    .addOption(
      new Option(
        '--missing <PARTS>',
        `parts missing from the package: ${MISSING_PARTS.join(', ')} (comma-separated or repeated)`,
      ).argParser(parseMissing),
    );
  addConfigOptions(cmd, 'station');
  cmd.action(async (flags: Flags) => {
    const { config, workDir } = await stationContext(flags, io);
    const missing = (flags.missing as MissingPart[] | undefined) ?? [];
    const device = flags.device as string;
    if (missing.length === 0) await requireDevicePath(device);
    const client = await adminClientFor(config);
    const result = await receiveDevice(
      client.stationControl(config.stationName),
      flags.jobId as string,
      { devicePath: device, connector: flags.connector as string, power: flags.power as string, missing },
      { ...config.station, workDir },
    );
    printResult(io, config.json, result, formatIntake(result));
    const failure = intakeFailure(result);
    if (failure) throw failure;
  });
}

/** An operator's typo must not turn into a DeviceError on the customer's job: checked before receiving. */
async function requireDevicePath(path: string): Promise<void> {
  try {
    await fsp.access(path);
  } catch (err) {
    usageInvalid(
      '--device',
      path,
      `no such device, image or directory (${(err as NodeJS.ErrnoException).code})`,
    );
  }
}

/** `longshore station receive ...` (DECISIONS §8); load, return and erase follow with issue 6. */
export function registerStationCommands(program: Command, io: CliIo): void {
  const station = program
    .command('station')
    .description(
      'loading-station steps: receive and inspect devices (talks to the server over the admin API)',
    );
  registerReceive(station, io);
}
