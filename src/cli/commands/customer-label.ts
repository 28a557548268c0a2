import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CatalogError } from '../../catalog/index.js';
import { addressArg, jobIdListArg } from '../customer-args.js';
import { formatShippingLabel } from '../customer-format.js';
import { writeAtomically } from '../customer-signature-file.js';
import { LABEL_ADDRESS_MEMBERS, type GetShippingLabelInput } from '../importexport-client.js';
import type { CliIo } from '../io.js';
import { printResult } from '../output.js';
import { usageInvalid } from '../usage-errors.js';
import { customerLeaf } from './customer-leaf.js';

type Flags = Record<string, unknown>;
type AddressMember = (typeof LABEL_ADDRESS_MEMBERS)[number];

/** The return-address flags: the model's lower-camel members as kebab-case flags. */
const ADDRESS_FLAGS: readonly { member: AddressMember; flag: string; help: string }[] = [
  { member: 'name', flag: '--name', help: 'name of the person the device goes back to' },
  { member: 'company', flag: '--company', help: 'company name' },
  { member: 'phoneNumber', flag: '--phone-number', help: 'contact phone number' },
  { member: 'country', flag: '--country', help: 'country' },
  { member: 'stateOrProvince', flag: '--state-or-province', help: 'state or province (US and Canada)' },
  { member: 'city', flag: '--city', help: 'city' },
  { member: 'postalCode', flag: '--postal-code', help: 'postal code' },
  { member: 'street1', flag: '--street1', help: 'first address line' },
  { member: 'street2', flag: '--street2', help: 'second address line' },
  { member: 'street3', flag: '--street3', help: 'third address line' },
];

/** `--output FILE`: absolute; a folder gets `shipping-label-<IDS>.pdf`. Checked before any request. */
async function labelPath(cwd: string, raw: string, jobIds: readonly string[]): Promise<string> {
  const path = resolve(cwd, raw);
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) return join(path, `shipping-label-${jobIds.join('-')}.pdf`);
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory()) usageInvalid('--output', raw, `the folder ${dirname(path)} does not exist`);
  return path;
}

/** `longshore get-shipping-label --job-ids ID[,ID...] [--name ... --street3 ...] [--output FILE]`. */
export function registerLabelCommand(program: Command, io: CliIo): void {
  const cmd = program
    .command('get-shipping-label')
    .description('get the URL of a shipping label (PDF) for one or more jobs, and optionally save it')
    .requiredOption(
      '--job-ids <IDS>',
      'the jobs, separated by commas (repeat the flag for more)',
      jobIdListArg,
    );
  // commander's key for each flag is the member's name (--phone-number -> phoneNumber).
  for (const { flag, help } of ADDRESS_FLAGS) {
    cmd.option(`${flag} <TEXT>`, `return address: ${help}`, addressArg(flag));
  }
  cmd.option('--output <FILE>', 'also download the label PDF to FILE (a folder gets shipping-label-IDS.pdf)');
  const run = customerLeaf(cmd, io);
  cmd.action((flags: Flags) =>
    run(flags, async ({ client, config }) => {
      const jobIds = flags.jobIds as string[];
      const input: GetShippingLabelInput = { jobIds };
      for (const { member } of ADDRESS_FLAGS) {
        const value = flags[member];
        if (typeof value === 'string') input[member] = value;
      }
      const output = flags.output as string | undefined;
      const target = output === undefined ? undefined : await labelPath(io.cwd, output, jobIds);

      const api = await client();
      const result = await api.getShippingLabel(input);
      if (target !== undefined) {
        if (!result.ShippingLabelURL) {
          throw new CatalogError(
            'InternalError',
            {},
            { reason: "the server's GetShippingLabel answer has no ShippingLabelURL to download" },
          );
        }
        const pdf = await api.downloadLabel(result.ShippingLabelURL);
        try {
          await writeAtomically(target, pdf);
        } catch (err) {
          printResult(io, config.json, result, formatShippingLabel(result, undefined));
          throw new CatalogError(
            'InvalidParameterException',
            { parameter: '--output' },
            {
              parameter: '--output',
              value: target,
              reason: `the label was not saved: ${(err as Error).message}`,
            },
          );
        }
      }
      const value = target === undefined ? result : { ...result, LabelFilePath: target };
      printResult(io, config.json, value, formatShippingLabel(result, target));
    }),
  );
}
