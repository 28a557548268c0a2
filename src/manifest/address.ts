import { isMap, isScalar } from 'yaml';
import type { Node } from 'yaml';
import { entryNode, scalarText, type Ctx, type Entry } from './context.js';
import { countryCode } from './countries.js';
import { isPoBox, phoneProblem } from './formats.js';
import { readLine, readMapping, warnUnknown } from './readers.js';
import type { ReturnAddress } from './types.js';

// returnAddress (reference §2.2). Every problem inside it is InvalidAddressException.

const CODE = 'InvalidAddressException';
const ADDRESS_FIELDS = [
  'name',
  'company',
  'street1',
  'street2',
  'street3',
  'city',
  'stateOrProvince',
  'postalCode',
  'phoneNumber',
  'country',
] as const;
type AddressField = (typeof ADDRESS_FIELDS)[number];
const REQUIRED: readonly AddressField[] = ['name', 'street1', 'city', 'postalCode', 'phoneNumber', 'country'];
const STREETS: readonly AddressField[] = ['street1', 'street2', 'street3'];
const NEEDS_STATE = new Set(['US', 'CA']);
const POSTAL_FORMATS: Record<string, { pattern: RegExp; example: string }> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '97477 or 97477-1234' },
  CA: { pattern: /^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$/, example: 'K1A 0B1' },
};

type Fields = Partial<Record<AddressField, string>>;

/** Reads and checks a return address; `country` comes back as ISO alpha-2. */
export function readReturnAddress(ctx: Ctx, node: Node, path: string): ReturnAddress | undefined {
  const entries = readMapping(ctx, node, path, CODE);
  if (!entries) return undefined;
  warnUnknown(ctx, entries, new Set(ADDRESS_FIELDS));
  const before = ctx.issues.length;
  const { fields, bad } = readFields(ctx, entries);
  const byName = new Map(entries.map((e) => [e.name, e]));
  for (const name of REQUIRED) {
    if (fields[name] === undefined && !bad.has(name)) missing(ctx, node, byName.get(name), `${path}.${name}`);
  }
  const country = checkCountry(ctx, fields, byName);
  if (country && !bad.has('stateOrProvince')) checkRegional(ctx, node, path, country, fields, byName);
  checkStreets(ctx, fields, byName);
  if (ctx.issues.length > before || !country) return undefined;
  return toAddress(fields, country);
}

/** The non-blank sub-fields, and the names of those whose value was refused. */
/** The return country (alpha-2) as written, even when other parts of the address are wrong. */
export function addressCountry(node: Node | undefined): string | undefined {
  if (!isMap(node)) return undefined;
  const country = node.items.find((pair) => isScalar(pair.key) && scalarText(pair.key) === 'country')?.value;
  return isScalar(country) ? countryCode(scalarText(country)) : undefined;
}

function readFields(ctx: Ctx, entries: Entry[]): { fields: Fields; bad: Set<string> } {
  const fields: Fields = {};
  const bad = new Set<string>();
  for (const entry of entries) {
    if (!entry.value || !(ADDRESS_FIELDS as readonly string[]).includes(entry.name)) continue;
    const text = readLine(ctx, entry.value, entry.path, CODE)?.trim();
    if (text) fields[entry.name as AddressField] = text;
    else if (text === undefined) bad.add(entry.name);
  }
  return { fields, bad };
}

function missing(ctx: Ctx, parent: Node, entry: Entry | undefined, path: string): void {
  const where = entry ? entryNode(entry) : parent;
  ctx.fail(CODE, path, where, `The return address needs '${path}'.`);
}

function checkCountry(ctx: Ctx, fields: Fields, byName: Map<string, Entry>): string | undefined {
  if (fields.country === undefined) return undefined;
  const code = countryCode(fields.country);
  if (code) return code;
  const entry = byName.get('country');
  const message = `'${entry?.path}' is '${fields.country}', which is not a country we know; use an ISO code such as US, DE or JP.`;
  return ctx.fail(CODE, entry?.path ?? 'returnAddress.country', entry && entryNode(entry), message);
}

function checkRegional(
  ctx: Ctx,
  node: Node,
  path: string,
  country: string,
  fields: Fields,
  byName: Map<string, Entry>,
): void {
  const state = byName.get('stateOrProvince');
  if (NEEDS_STATE.has(country) && fields.stateOrProvince === undefined) {
    ctx.fail(CODE, `${path}.stateOrProvince`, state ? entryNode(state) : node, stateMessage(path, country));
  }
  const format = POSTAL_FORMATS[country];
  const postal = byName.get('postalCode');
  if (format && fields.postalCode !== undefined && postal && !format.pattern.test(fields.postalCode)) {
    const message = `'${postal.path}' is '${fields.postalCode}', not a ${country} postal code (for example ${format.example}).`;
    ctx.fail(CODE, postal.path, entryNode(postal), message);
  }
  const phone = byName.get('phoneNumber');
  const phoneIssue = fields.phoneNumber === undefined ? undefined : phoneProblem(fields.phoneNumber);
  if (phone && phoneIssue) ctx.fail(CODE, phone.path, entryNode(phone), `'${phone.path}': ${phoneIssue}.`);
}

function stateMessage(path: string, country: string): string {
  return `The return address needs '${path}.stateOrProvince' for an address in ${country === 'US' ? 'the United States' : 'Canada'}.`;
}

function checkStreets(ctx: Ctx, fields: Fields, byName: Map<string, Entry>): void {
  for (const name of STREETS) {
    const entry = byName.get(name);
    const street = fields[name];
    if (!entry || street === undefined || !isPoBox(street)) continue;
    const message = `'${entry.path}' is a post-office box; devices are returned to a street address only.`;
    ctx.fail(CODE, entry.path, entryNode(entry), message);
  }
}

function toAddress(fields: Fields, country: string): ReturnAddress {
  const address: ReturnAddress = {
    name: fields.name ?? '',
    street1: fields.street1 ?? '',
    city: fields.city ?? '',
    postalCode: fields.postalCode ?? '',
    phoneNumber: fields.phoneNumber ?? '',
    country,
  };
  for (const optional of ['company', 'street2', 'street3', 'stateOrProvince'] as const) {
    if (fields[optional] !== undefined) address[optional] = fields[optional];
  }
  return address;
}
