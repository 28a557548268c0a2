import type { YAMLMap } from 'yaml';
import { addressCountry } from './address.js';
import { Ctx, entriesOf, type Entry } from './context.js';
import { countryCode, needsCustoms } from './countries.js';
import { FieldValues } from './field-values.js';
import { FIELDS, FIELDS_BY_NAME } from './fields.js';
import { checkMetadata } from './import-rules.js';
import type { ParsedYaml } from './parse-yaml.js';
import { checkRegions } from './regions.js';
import type { JobKind, ValidateOptions } from './types.js';

/** Checks every field of a parsed manifest; all issues end up in the returned context, sorted. */
export function validateFields(parsed: ParsedYaml, jobType: JobKind, options: ValidateOptions) {
  const ctx = new Ctx(jobType, parsed.positionOf);
  ctx.issues.push(...parsed.keyIssues);
  const values = readTopLevel(ctx, parsed.root);
  checkRequired(ctx, parsed.root, values);
  checkShipping(ctx, parsed.root, values, options);
  if (jobType === 'Import') checkMetadata(ctx, values);
  else checkEncryption(ctx, parsed.root, values);
  if (options.regionOf) checkRegions(ctx, parsed.root, options.regionOf);
  ctx.issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ctx, values };
}

function readTopLevel(ctx: Ctx, root: YAMLMap): FieldValues {
  const values = new FieldValues();
  for (const entry of entriesOf(root, '')) {
    const spec = FIELDS_BY_NAME.get(entry.name);
    if (!spec) warnUnknownField(ctx, entry);
    else if (!spec.jobs.includes(ctx.jobType)) wrongJobType(ctx, entry);
    else values.set(entry, entry.value ? spec.read(ctx, entry.value, entry.path) : undefined);
  }
  return values;
}

function warnUnknownField(ctx: Ctx, entry: Entry): void {
  const hint = FIELDS.find(
    (f) => f.name.toLowerCase() === entry.name.toLowerCase() && f.jobs.includes(ctx.jobType),
  );
  const suggestion = hint ? ` (did you mean '${hint.name}'?)` : '';
  ctx.warn(ctx.at(entry.keyNode), `unknown field '${entry.name}' is ignored${suggestion}.`);
}

function wrongJobType(ctx: Ctx, entry: Entry): void {
  const other = ctx.jobType === 'Import' ? 'export' : 'import';
  const message = `'${entry.name}' is an ${other}-only field; remove it from this ${ctx.jobType.toLowerCase()} manifest.`;
  ctx.fail('InvalidManifestFieldException', entry.path, entry.keyNode, message);
}

function checkRequired(ctx: Ctx, root: YAMLMap, values: FieldValues): void {
  const kind = ctx.jobType.toLowerCase();
  for (const spec of FIELDS) {
    if (!spec.requiredFor.includes(ctx.jobType)) continue;
    const entry = values.entry(spec.name);
    if (!entry) {
      ctx.fail('MissingManifestFieldException', spec.name, root, `An ${kind} manifest needs '${spec.name}'.`);
    } else if (!entry.value) {
      ctx.fail('MissingManifestFieldException', spec.name, entry.keyNode, `'${spec.name}' has no value.`);
    }
  }
}

/** serviceLevel and customs depend on where the device goes back to. */
function checkShipping(ctx: Ctx, root: YAMLMap, values: FieldValues, options: ValidateOptions): void {
  const country = addressCountry(values.entry('returnAddress')?.value);
  if (!country) return;
  const station = stationCountry(options);
  const level = values.entry('serviceLevel');
  if (values.get('serviceLevel') === 'expeditedShipping' && (country !== 'US' || station !== 'US')) {
    const message = `'serviceLevel' expeditedShipping is only available from a US loading station to a US return address (this one is in ${country}); use standard.`;
    ctx.fail('InvalidManifestFieldException', 'serviceLevel', level?.value, message);
  }
  if (!values.entry('customs')?.value && needsCustoms(station, country)) {
    const message = `The device is returned from ${station} to ${country}, so the manifest needs a 'customs' section.`;
    ctx.fail('MissingCustomsException', 'customs', root, message);
  }
}

function stationCountry(options: ValidateOptions): string {
  const given = options.stationCountry ?? 'US';
  return countryCode(given) ?? given.trim().toUpperCase();
}

/** An export device is encrypted: a TrueCrypt password, or the PIN of a hardware-encrypted device. */
function checkEncryption(ctx: Ctx, root: YAMLMap, values: FieldValues): void {
  if (values.entry('trueCryptPassword')?.value || values.entry('pinCode')?.value) return;
  const message = `An export manifest needs 'trueCryptPassword' (or 'pinCode' for a PIN-protected device).`;
  ctx.fail('MissingManifestFieldException', 'trueCryptPassword', root, message);
}
