import type { Node } from 'yaml';
import { entryNode, shown, type Ctx, type Entry } from './context.js';
import { countryCode } from './countries.js';
import { eccnProblem } from './formats.js';
import { enumReader, readBoolean, readLine, readMapping, warnUnknown, type Reader } from './readers.js';
import { DEVICE_TYPES, EXPORT_TYPES, type Customs } from './types.js';

// customs (reference §2.5). Every problem inside it is InvalidCustomsException; whether the block is
// needed at all is decided in validate.ts (MissingCustomsException).

const CODE = 'InvalidCustomsException';

const readDescription: Reader<string> = (ctx, node, path) => nonBlank(ctx, node, path);
const readValue: Reader<number> = (ctx, node, path) => {
  const text = nonBlank(ctx, node, path);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (/^\d+(\.\d{1,2})?$/.test(text) && value > 0) return value;
  return ctx.fail(CODE, path, node, `'${path}' is ${shown(text)}; give a positive amount such as 250.00.`);
};
const readCountry: Reader<string> = (ctx, node, path) => {
  const text = nonBlank(ctx, node, path);
  if (text === undefined) return undefined;
  return (
    countryCode(text) ?? ctx.fail(CODE, path, node, `'${path}' is ${shown(text)}, not a country we know.`)
  );
};
const readClassification: Reader<string> = (ctx, node, path) => {
  const text = nonBlank(ctx, node, path);
  const problem = text === undefined ? undefined : eccnProblem(text);
  return problem ? ctx.fail(CODE, path, node, `'${path}': ${problem}.`) : text;
};

const SUBFIELDS: Record<keyof Customs, { read: Reader<unknown>; required: boolean }> = {
  dataDescription: { read: readDescription, required: true },
  encryptedData: { read: (c, n, p) => readBoolean(c, n, p, CODE), required: false },
  encryptionClassification: { read: readClassification, required: false },
  exportCertifierName: { read: readDescription, required: false },
  requiresExportLicense: { read: (c, n, p) => readBoolean(c, n, p, CODE), required: false },
  deviceValue: { read: readValue, required: true },
  deviceCountryOfOrigin: { read: readCountry, required: true },
  deviceType: { read: enumReader(DEVICE_TYPES, CODE), required: true },
  typeOfExport: { read: enumReader(EXPORT_TYPES, CODE), required: true },
};

/** Reads the customs block; undefined (with issues) when anything in it is wrong. */
export function readCustoms(ctx: Ctx, node: Node, path: string): Customs | undefined {
  const entries = readMapping(ctx, node, path, CODE);
  if (!entries) return undefined;
  warnUnknown(ctx, entries, new Set(Object.keys(SUBFIELDS)));
  const before = ctx.issues.length;
  const values = new Map<string, unknown>();
  for (const entry of entries) {
    const spec = SUBFIELDS[entry.name as keyof Customs] as (typeof SUBFIELDS)[keyof Customs] | undefined;
    if (spec && entry.value) values.set(entry.name, spec.read(ctx, entry.value, entry.path));
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const [name, spec] of Object.entries(SUBFIELDS)) {
    if (spec.required && !byName.get(name)?.value) need(ctx, node, byName.get(name), `${path}.${name}`, '');
  }
  checkConditional(ctx, node, path, values, byName);
  return ctx.issues.length > before ? undefined : toCustoms(values);
}

function checkConditional(
  ctx: Ctx,
  node: Node,
  path: string,
  values: Map<string, unknown>,
  byName: Map<string, Entry>,
) {
  if (values.get('encryptedData') === true && !byName.get('encryptionClassification')?.value) {
    const why = ' when encryptedData is yes (an export classification such as 5D992)';
    need(ctx, node, byName.get('encryptionClassification'), `${path}.encryptionClassification`, why);
  }
  if (values.get('requiresExportLicense') === true && !byName.get('exportCertifierName')?.value) {
    const why = ' when requiresExportLicense is yes';
    need(ctx, node, byName.get('exportCertifierName'), `${path}.exportCertifierName`, why);
  }
}

function need(ctx: Ctx, parent: Node, entry: Entry | undefined, path: string, why: string): void {
  ctx.fail(CODE, path, entry ? entryNode(entry) : parent, `The customs data needs '${path}'${why}.`);
}

function nonBlank(ctx: Ctx, node: Node, path: string): string | undefined {
  const text = readLine(ctx, node, path, CODE)?.trim();
  if (text !== '') return text;
  return ctx.fail(CODE, path, node, `'${path}' cannot be blank.`);
}

function toCustoms(values: Map<string, unknown>): Customs {
  const text = (name: string) => values.get(name) as string;
  const customs: Customs = {
    dataDescription: text('dataDescription'),
    encryptedData: values.get('encryptedData') === true,
    requiresExportLicense: values.get('requiresExportLicense') === true,
    deviceValue: values.get('deviceValue') as number,
    deviceCountryOfOrigin: text('deviceCountryOfOrigin'),
    deviceType: values.get('deviceType') as Customs['deviceType'],
    typeOfExport: values.get('typeOfExport') as Customs['typeOfExport'],
  };
  if (values.has('encryptionClassification'))
    customs.encryptionClassification = text('encryptionClassification');
  if (values.has('exportCertifierName')) customs.exportCertifierName = text('exportCertifierName');
  return customs;
}
