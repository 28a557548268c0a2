import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import {
  addressProblems,
  checkLabelAddress,
  LABEL_ADDRESS_FIELDS,
  type LabelAddress,
} from '../../../src/api/labels/index.js';
import { ADDRESS } from './label-fixtures.js';

function refusal(address: LabelAddress): CatalogError {
  try {
    checkLabelAddress(address);
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogError);
    return err as CatalogError;
  }
  throw new Error('the address was accepted');
}

describe('GetShippingLabel address rules (reference §1.2)', () => {
  it('accepts a complete address: trimmed, country as ISO code, blank optional lines left out', () => {
    const checked = checkLabelAddress({
      ...ADDRESS,
      name: '  Ada Lovelace ',
      country: 'United States',
      street2: 'Floor 3',
      street3: '   ',
    });
    expect(checked).toEqual({ ...ADDRESS, street2: 'Floor 3', country: 'US' });
    expect(checked).not.toHaveProperty('street3');
  });

  it.each(['name', 'company', 'street1', 'city', 'postalCode', 'phoneNumber', 'country'] as const)(
    'requires %s',
    (field) => {
      for (const value of [undefined, '', '   ']) {
        const err = refusal({ ...ADDRESS, [field]: value });
        expect(err.code).toBe('InvalidAddressException');
        expect(err.params.fields).toBe(field);
        expect(err.details).toMatchObject({ fields: [field], problems: [`${field} is required`] });
      }
    },
  );

  it('requires stateOrProvince in the US and Canada only', () => {
    for (const country of ['US', 'usa', 'United States', 'CA', 'Canada']) {
      const err = refusal({ ...ADDRESS, country, stateOrProvince: '' });
      expect(err.code).toBe('InvalidAddressException');
      expect(err.params.fields).toBe('stateOrProvince');
    }
    const german = { ...ADDRESS, country: 'DE', stateOrProvince: undefined, postalCode: '80331' };
    expect(checkLabelAddress(german)).toMatchObject({ country: 'DE' });
    expect(checkLabelAddress(german)).not.toHaveProperty('stateOrProvince');
  });

  it('names every missing or invalid field at once, in the order of the parameters', () => {
    const err = refusal({ country: 'Canada', phoneNumber: 'call me', street2: 'Back door' });
    expect(err.code).toBe('InvalidAddressException');
    expect(err.params.fields).toBe('name, company, street1, city, stateOrProvince, postalCode, phoneNumber');
    const details = err.details as { fields: string[]; problems: string[] };
    expect(details.fields).toEqual([
      'name',
      'company',
      'street1',
      'city',
      'stateOrProvince',
      'postalCode',
      'phoneNumber',
    ]);
    expect(details.problems).toContain('stateOrProvince is required for an address in CA');
    expect(details.problems.find((p) => p.startsWith('phoneNumber'))).toMatch(/digits/);
  });

  it('refuses an unknown country, control characters and over-long lines', () => {
    expect(refusal({ ...ADDRESS, country: 'Atlantis' }).params.fields).toBe('country');
    expect(refusal({ ...ADDRESS, city: 'Port\nland' }).params.fields).toBe('city');
    expect(refusal({ ...ADDRESS, street2: 'x'.repeat(81) }).params.fields).toBe('street2');
    expect(checkLabelAddress({ ...ADDRESS, street2: 'x'.repeat(80) }).street2).toHaveLength(80);
  });

  it('lists no problem for a good address, and knows every parameter of the model', () => {
    expect(addressProblems(ADDRESS)).toEqual([]);
    expect([...LABEL_ADDRESS_FIELDS].sort()).toEqual(
      [
        'name',
        'company',
        'phoneNumber',
        'country',
        'stateOrProvince',
        'city',
        'postalCode',
        'street1',
        'street2',
        'street3',
      ].sort(),
    );
  });
});
