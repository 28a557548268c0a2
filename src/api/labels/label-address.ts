import { CatalogError } from '../../catalog/index.js';
import { countryCode, type ReturnAddress } from '../../manifest/index.js';
import { hasControlChars, phoneProblem } from '../../manifest/formats.js';
import type { ShippingLabelAddress } from '../../store/index.js';
import type { LabelAddress } from './types.js';

/** GetShippingLabel's address parameters, in the order the tool prompts for them (reference §1.2). */
export const LABEL_ADDRESS_FIELDS = [
  'name',
  'company',
  'street1',
  'street2',
  'street3',
  'city',
  'stateOrProvince',
  'postalCode',
  'country',
  'phoneNumber',
] as const satisfies readonly (keyof LabelAddress)[];

type Field = (typeof LABEL_ADDRESS_FIELDS)[number];

/** Required by the tool's prompts; stateOrProvince too for the countries in NEEDS_STATE. */
const REQUIRED: ReadonlySet<Field> = new Set([
  'name',
  'company',
  'street1',
  'city',
  'postalCode',
  'country',
  'phoneNumber',
]);
const NEEDS_STATE: ReadonlySet<string> = new Set(['US', 'CA']);
/** Longest accepted line: what fits on a 4x6 inch label. */
export const MAX_ADDRESS_FIELD_LENGTH = 80;

/** One refused field and why. */
export interface AddressProblem {
  field: Field;
  message: string;
}

function text(address: LabelAddress, field: Field): string | undefined {
  const value = address[field];
  const trimmed = typeof value === 'string' ? value.trim() : undefined;
  return trimmed === '' ? undefined : trimmed;
}

/** True when at least one address parameter holds more than blanks. */
export function hasAddress(address: LabelAddress): boolean {
  return LABEL_ADDRESS_FIELDS.some((field) => text(address, field) !== undefined);
}

/** Every problem of a GetShippingLabel address, in field order ([] when it can be used). */
export function addressProblems(address: LabelAddress): AddressProblem[] {
  const problems: AddressProblem[] = [];
  for (const field of LABEL_ADDRESS_FIELDS) {
    const value = text(address, field);
    if (value === undefined) {
      if (REQUIRED.has(field)) problems.push({ field, message: `${field} is required` });
    } else if (hasControlChars(value)) {
      problems.push({ field, message: `${field} must be one line without control characters` });
    } else if (value.length > MAX_ADDRESS_FIELD_LENGTH) {
      problems.push({ field, message: `${field} has at most ${MAX_ADDRESS_FIELD_LENGTH} characters` });
    }
  }
  const refused = new Set(problems.map((p) => p.field));
  const country = text(address, 'country');
  const code = country === undefined ? undefined : countryCode(country);
  if (country !== undefined && !refused.has('country') && code === undefined) {
    problems.push({
      field: 'country',
      message: `country '${country}' is not a country we know; use an ISO code such as US, DE or JP`,
    });
  }
  if (code !== undefined && NEEDS_STATE.has(code) && text(address, 'stateOrProvince') === undefined) {
    problems.push({
      field: 'stateOrProvince',
      message: `stateOrProvince is required for an address in ${code}`,
    });
  }
  const phone = text(address, 'phoneNumber');
  const phoneIssue = phone === undefined || refused.has('phoneNumber') ? undefined : phoneProblem(phone);
  if (phoneIssue !== undefined)
    problems.push({ field: 'phoneNumber', message: `phoneNumber: ${phoneIssue}` });
  return problems.sort(
    (a, b) => LABEL_ADDRESS_FIELDS.indexOf(a.field) - LABEL_ADDRESS_FIELDS.indexOf(b.field),
  );
}

/** InvalidAddressException naming every refused field: params.fields, details.fields and details.problems. */
export function invalidAddress(problems: readonly AddressProblem[]): CatalogError {
  const fields = [...new Set(problems.map((p) => p.field))];
  return new CatalogError(
    'InvalidAddressException',
    { fields: fields.join(', ') },
    { fields, problems: problems.map((p) => p.message), reason: problems.map((p) => p.message).join('; ') },
  );
}

/**
 * The address as printed on the label: trimmed, blank optional lines left out, the country as an
 * ISO alpha-2 code. Throws InvalidAddressException (see addressProblems).
 */
export function checkLabelAddress(address: LabelAddress): ShippingLabelAddress {
  const problems = addressProblems(address);
  if (problems.length > 0) throw invalidAddress(problems);
  const country = countryCode(text(address, 'country') ?? '') ?? '';
  const checked: ShippingLabelAddress = {
    name: text(address, 'name') ?? '',
    street1: text(address, 'street1') ?? '',
    city: text(address, 'city') ?? '',
    postalCode: text(address, 'postalCode') ?? '',
    phoneNumber: text(address, 'phoneNumber') ?? '',
    country,
  };
  for (const optional of ['company', 'street2', 'street3', 'stateOrProvince'] as const) {
    const value = text(address, optional);
    if (value !== undefined) checked[optional] = value;
  }
  return checked;
}

/** A manifest's returnAddress (already checked by the manifest rules) as a label address. */
export function fromReturnAddress(returnAddress: ReturnAddress): ShippingLabelAddress {
  const address: ShippingLabelAddress = {
    name: returnAddress.name,
    street1: returnAddress.street1,
    city: returnAddress.city,
    postalCode: returnAddress.postalCode,
    phoneNumber: returnAddress.phoneNumber,
    country: returnAddress.country,
  };
  for (const optional of ['company', 'street2', 'street3', 'stateOrProvince'] as const) {
    const value = returnAddress[optional];
    if (value !== undefined && value !== '') address[optional] = value;
  }
  return address;
}

/** True when two label addresses print the same (every field compared, case and all). */
export function sameAddress(a: ShippingLabelAddress, b: ShippingLabelAddress): boolean {
  return LABEL_ADDRESS_FIELDS.every((field) => (a[field] ?? '') === (b[field] ?? ''));
}
