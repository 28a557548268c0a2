import { promises as fsp } from 'node:fs';
import { Option, type Command } from 'commander';
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
import { stationContext } from './station-context.js';
import { registerEraseCommand } from './station-erase.js';
import { loadJob, registerLoadCommand, registerReturnCommand, throwIfInterrupted } from './station-load.js';
import { formatLoadSummary } from '../load-progress.js';

type Flags = Record<string, unknown>;

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
    const failure = intakeFailure(result);
    if (failure || !config.station.autoLoad) {
      printResult(io, config.json, result, formatIntake(result));
      if (failure) throw failure;
      return;
    }
    if (!config.json) io.stdout(`${formatIntake(result)}\n`);
    const load = await loadJob(config, workDir, io, result.job.jobId);
    printResult(io, config.json, { ...result, load }, formatLoadSummary(load));
    throwIfInterrupted(load);
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

/** `longshore station receive | load | return | erase` (DECISIONS §8). */
export function registerStationCommands(program: Command, io: CliIo): void {
  const station = program
    .command('station')
    .description(
      'loading-station steps: receive, load, return and erase devices (talks to the server over the admin API)',
    );
  registerReceive(station, io);
  registerLoadCommand(station, io);
  registerReturnCommand(station, io);
  registerEraseCommand(station, io);
}
