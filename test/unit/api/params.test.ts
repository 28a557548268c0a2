import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import { decodeComponent, parseForm, rfc3986 } from '../../../src/api/query/form.js';
import { MANIFEST_MAX_BYTES, Params } from '../../../src/api/query/params.js';

const bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof CatalogError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('no error thrown');
}

describe('rfc3986', () => {
  it('keeps only unreserved characters and escapes the rest in upper-case hex', () => {
    expect(rfc3986("a-b_c.d~e f+g*h%i!j'k(l)m/n")).toBe('a-b_c.d~e%20f%2Bg%2Ah%25i%21j%27k%28l%29m%2Fn');
    expect(rfc3986('Zoë 日本 🚚')).toBe('Zo%C3%AB%20%E6%97%A5%E6%9C%AC%20%F0%9F%9A%9A');
  });
});

describe('decodeComponent', () => {
  it.each([
    ['a+b', 'a b'],
    ['a%2Bb', 'a+b'],
    ['100%25', '100%'],
    ['%7e~%7E', '~~~'],
    ['Zo%c3%ab', 'Zoë'],
    [bytes('raw Zoë'), 'raw Zoë'],
    ['', ''],
    ['%EF%BB%BFbom', '\uFEFFbom'],
  ])('%s -> %s', (input, output) => {
    expect(decodeComponent(input)).toBe(output);
  });

  it.each(['%', '%4', '%zz', '%FF', '%C0%AF', '%ED%A0%80', bytes('ok') + '\xff'])('refuses %s', (input) => {
    expect(decodeComponent(input)).toBeNull();
  });
});

describe('parseForm', () => {
  it('keeps order, duplicates, empty values and the raw form; skips empty segments', () => {
    const form = parseForm('b=2&&a=1&b=2&flag&c=x+y%21');
    expect(form.decoded).toEqual([
      ['b', '2'],
      ['a', '1'],
      ['b', '2'],
      ['flag', ''],
      ['c', 'x y!'],
    ]);
    expect(form.raw.at(-1)).toEqual(['c', 'x+y%21']);
  });

  it('names the parameter whose value is not UTF-8', () => {
    expect(errorOf(() => parseForm('Action=ListJobs&Marker=%FF'))).toMatchObject({
      code: 'InvalidParameterException',
      message: expect.stringContaining('Marker'),
    });
  });
});

describe('Params readers', () => {
  const p = (text: string) => Params.parse(text);

  it('strings: identical repeats are fine, different ones are InvalidParameterException, absent ones MissingParameterException', () => {
    expect(p('a=1&a=1').requiredString('a')).toBe('1');
    expect(errorOf(() => p('a=1&a=2').optionalString('a')).code).toBe('InvalidParameterException');
    expect(errorOf(() => p('b=1').requiredString('a'))).toEqual({
      code: 'MissingParameterException',
      message: 'The required parameter a is missing.',
    });
    expect(p('a=1&a=2&b=3&b=3').firstConflict()).toBe('a');
    expect(p('a=1&a=1').firstConflict()).toBeNull();
  });

  it('limits a value to a number of UTF-8 bytes', () => {
    const big = 'é'.repeat(MANIFEST_MAX_BYTES / 2 + 1);
    const params = new Params([['Manifest', big]]);
    expect(errorOf(() => params.requiredString('Manifest', MANIFEST_MAX_BYTES)).code).toBe(
      'InvalidParameterException',
    );
    expect(
      new Params([['Manifest', 'é'.repeat(MANIFEST_MAX_BYTES / 2)]]).requiredString(
        'Manifest',
        MANIFEST_MAX_BYTES,
      ),
    ).toHaveLength(MANIFEST_MAX_BYTES / 2);
  });

  it('booleans are true or false in any case', () => {
    expect(p('v=TRUE').requiredBoolean('v')).toBe(true);
    expect(p('v=false').requiredBoolean('v')).toBe(false);
    expect(p('').optionalBoolean('v')).toBeUndefined();
    for (const bad of ['maybe', '1', 'yes', '']) {
      expect(errorOf(() => p(`v=${bad}`).requiredBoolean('v')).code).toBe('InvalidParameterException');
    }
  });

  it('integers are decimal', () => {
    expect(p('n=42').optionalInteger('n')).toBe(42);
    expect(p('n=-1').optionalInteger('n')).toBe(-1);
    for (const bad of ['abc', '1.5', '1e3', '', '0x10', '9999999999999999999']) {
      expect(errorOf(() => p(`n=${bad}`).optionalInteger('n')).code).toBe('InvalidParameterException');
    }
  });

  it('JobType is Import or Export in any case, returned in the model spelling', () => {
    expect(p('t=import').requiredJobType('t')).toBe('Import');
    expect(p('t=EXPORT').requiredJobType('t')).toBe('Export');
    expect(errorOf(() => p('t=Imprt').requiredJobType('t'))).toMatchObject({
      code: 'InvalidParameterException',
      message: 'The parameter t has a value that is not allowed.',
    });
  });

  it('lists come from name.member.N in index order, or a comma-separated name', () => {
    expect(p('ids.member.10=J&ids.member.2=B&ids.member.1=A').stringList('ids')).toEqual(['A', 'B', 'J']);
    expect(p('ids=A,%20B,,C').stringList('ids')).toEqual(['A', 'B', 'C']);
    expect(p('other.member.1=A').stringList('ids')).toEqual([]);
    expect(errorOf(() => p('ids.member.0=A').stringList('ids')).code).toBe('InvalidParameterException');
    expect(errorOf(() => p('ids.member.1=A&ids.member.1=B').stringList('ids')).code).toBe(
      'InvalidParameterException',
    );
  });
});
