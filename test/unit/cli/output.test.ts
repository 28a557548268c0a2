import { describe, expect, it } from 'vitest';
import { formatAccounts, formatNewAccount, updateInput } from '../../../src/cli/commands/admin-account.js';
import { formatBucket, formatBuckets } from '../../../src/cli/commands/admin-bucket.js';
import { formatTable, printResult, renderError } from '../../../src/cli/output.js';
import { UsageError } from '../../../src/cli/usage-errors.js';
import { CatalogError } from '../../../src/catalog/index.js';
import { captureIo } from './capture-io.js';

const account = {
  accessKeyId: 'LSIA0000000000000001',
  name: 'Acme',
  emails: ['a@example.com', 'b@example.com'],
  signedUp: true,
  problem: false,
  createdAt: '2024-05-01T12:00:00.000Z',
};

describe('printResult', () => {
  it('prints text with a final newline, or one JSON object', () => {
    const text = captureIo();
    printResult(text.io, false, { a: 1 }, 'hello');
    expect(text.stdout()).toBe('hello\n');
    const json = captureIo();
    printResult(json.io, true, { a: 1 }, 'hello');
    expect(JSON.parse(json.stdout())).toEqual({ a: 1 });
  });
});

describe('renderError', () => {
  const err = new CatalogError('InvalidConfiguration', {
    option: '--port (LONGSHORE_PORT)',
    reason: 'must be an integer',
  });

  it('text: `CODE: message`, then the recommended action', () => {
    const lines = renderError(err, false).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'InvalidConfiguration: The option --port (LONGSHORE_PORT) is not valid: must be an integer.',
    );
    expect(lines[1]).toMatch(/^Recommended action: .+/);
    expect(lines).toHaveLength(2);
  });

  it('json: one object {"error":{code,message,action}}', () => {
    const text = renderError(err, true);
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'InvalidConfiguration', message: err.message, action: err.entry.action },
    });
  });

  it('spells out parameter details', () => {
    const usage = new CatalogError(
      'InvalidParameterException',
      { parameter: '--email' },
      { value: 'x', reason: 'must be an address' },
    );
    expect(renderError(usage, false)).toContain(
      'InvalidParameterException: The parameter --email has a value that is not allowed. Given: "x". Must be an address.',
    );
  });
});

describe('formatTable', () => {
  it('pads columns and trims line ends', () => {
    expect(formatTable(['A', 'LONG HEADER'], [['value', 'x']])).toBe('A      LONG HEADER\nvalue  x\n');
  });
});

describe('admin output', () => {
  it('prints new keys as lines a user can paste, with the addresses', () => {
    const text = formatNewAccount({
      account,
      accessKeyId: account.accessKeyId,
      secretAccessKey: 'S3cr3t/Key+abc',
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('AWS_ACCESS_KEY_ID=LSIA0000000000000001');
    expect(lines[1]).toBe('AWS_SECRET_ACCESS_KEY=S3cr3t/Key+abc');
    expect(text).toContain('a@example.com, b@example.com');
    // Everything else is a shell comment, so the whole block can be pasted into a shell or .env file.
    expect(lines.slice(2).every((line) => line.startsWith('#'))).toBe(true);
  });

  it('lists accounts and buckets as tables, and says so when there are none', () => {
    expect(formatAccounts([account])).toMatch(
      /^ACCESS KEY ID +NAME +SIGNED UP +PROBLEM +E-MAIL ADDRESSES\nLSIA0000000000000001 +Acme +yes +no +a@example.com, b@example.com\n$/,
    );
    expect(formatAccounts([])).toMatch(/No accounts yet/);
    const bucket = {
      name: 'photos',
      owner: account.accessKeyId,
      region: 'us-east-1',
      grants: [],
      createdAt: account.createdAt,
    };
    expect(formatBuckets([bucket])).toContain('photos');
    expect(formatBuckets([])).toMatch(/No buckets yet/);
    expect(formatBucket(bucket)).toMatch(/also writable by +-/);
  });
});

describe('updateInput', () => {
  it('builds the changes from the flags', () => {
    expect(updateInput({ problem: false, notSignedUp: true, email: ['x@example.com'], name: 'New' })).toEqual(
      {
        problem: false,
        signedUp: false,
        emails: ['x@example.com'],
        name: 'New',
      },
    );
    expect(updateInput({ signedUp: true })).toEqual({ signedUp: true });
  });

  it('refuses no change and contradicting flags as usage errors', () => {
    expect(() => updateInput({})).toThrow(UsageError);
    expect(() => updateInput({ signedUp: true, notSignedUp: true })).toThrow(UsageError);
  });
});
