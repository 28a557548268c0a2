import { afterEach, describe, expect, it } from 'vitest';
import { DeviceReadError, type DeviceEntry, type EntryType } from '../../../../src/devices/port.js';
import { createKeyPlanner, type KeyPlanner, type PlannedFile } from '../../../../src/station/plan/index.js';
import { file, manifestWith } from './fixtures.js';

const planners: KeyPlanner[] = [];
afterEach(async () => {
  await Promise.all(planners.splice(0).map((p) => p.close()));
});

function planner(extra = '', options = {}): KeyPlanner {
  const created = createKeyPlanner(manifestWith(extra), options);
  planners.push(created);
  return created;
}

function keyOf(result: PlannedFile | null): string | undefined {
  return result?.action === 'upload' ? result.key : undefined;
}

describe('object keys', () => {
  it('uses the device path as the key when there is no prefix', () => {
    expect(keyOf(planner().plan(file('images/sample.jpg')))).toBe('images/sample.jpg');
  });

  it('prepends the prefix without adding a slash (A-Keys)', () => {
    expect(keyOf(planner('prefix: my-prefix/\n').plan(file('jpgs/sample.jpg')))).toBe(
      'my-prefix/jpgs/sample.jpg',
    );
    expect(keyOf(planner('prefix: images\n').plan(file('sample.jpg')))).toBe('imagessample.jpg');
  });

  it('applies substitutions after the prefix, to the prefix too (A-Subst example)', () => {
    const p = planner('prefix: myprefix$COLON$\nsubstitutions:\n  "$COLON$": ":"\n  "$QUOTE$": "\\""\n');
    expect(keyOf(p.plan(file('backup/$COLON$/$QUOTE$computer1$QUOTE$/c$COLON$/image.dat')))).toBe(
      'myprefix:backup/:/"computer1"/c:/image.dat',
    );
  });

  it('replaces every occurrence, longest search text first, without chaining', () => {
    const p = planner('substitutions:\n  "A": "B"\n  "B": "C"\n  "AB": "x"\n');
    expect(keyOf(p.plan(file('AAB/BA.txt')))).toBe('Bx/CB.txt');
  });

  it('fails with 400 InvalidSubstitution when a name is replaced by nothing', () => {
    const p = planner('substitutions:\n  "secret": ""\n  "tmp/": ""\n');
    expect(p.plan(file('docs/secret'))).toMatchObject({
      action: 'fail',
      status: 400,
      code: 'InvalidSubstitution',
      key: 'docs/',
    });
    expect(p.plan(file('secret/a.txt'))).toMatchObject({ code: 'InvalidSubstitution', key: '/a.txt' });
    expect(p.plan(file('secret'))).toMatchObject({ code: 'InvalidSubstitution', key: '' });
    // Removing part of a name, or a whole folder level with its slash, is fine.
    expect(keyOf(p.plan(file('my-secret-notes.txt')))).toBe('my--notes.txt');
    expect(keyOf(p.plan(file('tmp/a.txt')))).toBe('a.txt');
  });

  it('fails with 400 KeyTooLong above 1024 UTF-8 bytes, counting multi-byte characters', () => {
    const p = planner('prefix: "é"\n'); // 2 bytes
    const at1024 = `${'日'.repeat(340)}x`; // 1020 + 1 bytes; with the prefix 1023
    expect(Buffer.byteLength(`é${at1024}y`)).toBe(1024);
    expect(keyOf(p.plan(file(`${at1024}y`)))).toBe(`é${at1024}y`);
    const over = p.plan(file(`${at1024}日`)); // 2 + 1021 + 3 = 1026 bytes, 343 characters
    expect(over).toMatchObject({ action: 'fail', status: 400, code: 'KeyTooLong' });
    expect(p.plan(file(`${at1024}yz`))).toMatchObject({ code: 'KeyTooLong' }); // 1025 bytes
  });

  it('checks the length after substitution', () => {
    const p = planner('substitutions:\n  "@": "0123456789"\n');
    expect(keyOf(p.plan(file('@'.repeat(102))))).toHaveLength(1020);
    expect(p.plan(file('@'.repeat(103)))).toMatchObject({ code: 'KeyTooLong' });
  });
});

describe('what is not uploaded', () => {
  it('does not plan directories', () => {
    expect(planner().plan({ ...file('docs'), type: 'directory', size: 0 })).toBeNull();
  });

  it('ignores the SIGNATURE file in the root only', () => {
    const p = planner();
    expect(p.plan(file('SIGNATURE'))).toEqual({
      action: 'skip',
      status: 103,
      code: 'Ignored',
      reason: 'the SIGNATURE file is never imported',
      contentType: 'text/plain',
    });
    expect(keyOf(p.plan(file('docs/SIGNATURE')))).toBe('docs/SIGNATURE');
    expect(keyOf(p.plan(file('signature')))).toBe('signature');
  });

  it('takes the SIGNATURE path the reader found (case-insensitive file systems)', () => {
    const p = planner('', { signaturePath: 'Signature' });
    expect(p.plan(file('Signature'))).toMatchObject({ action: 'skip', code: 'Ignored' });
    expect(keyOf(p.plan(file('SIGNATURE')))).toBe('SIGNATURE');
  });

  const special: EntryType[] = [
    'symlink',
    'block-device',
    'char-device',
    'fifo',
    'socket',
    'reparse-point',
    'other',
  ];
  it.each(special)('gives a %s a 103 Ignored row', (type) => {
    const result = planner().plan({ ...file('dev/thing'), type, size: 0 });
    expect(result).toMatchObject({ action: 'skip', status: 103, code: 'Ignored' });
    expect(result?.action === 'skip' && result.reason).toMatch(/not (imported|a regular file)/);
  });

  it('ignores files matching an ignore pattern, before any error check', () => {
    const p = planner('ignore:\n  - \\.psd$\n  - ^backup/\n');
    expect(p.plan(file('art/cover.psd'))).toMatchObject({
      action: 'skip',
      code: 'Ignored',
      reason: "matches the ignore pattern '\\.psd$'",
      contentType: 'image/vnd.adobe.photoshop',
    });
    expect(p.plan(file('backup/x.txt', { invalidName: true }))).toMatchObject({ action: 'skip' });
    expect(keyOf(p.plan(file('art/backup/x.txt')))).toBe('art/backup/x.txt');
  });

  it('fails a file whose metadata could not be read with 508 ReadError', () => {
    const error = new DeviceReadError({ code: 'EIO', operation: 'stat', path: 'a.bin' });
    expect(planner().plan(file('a.bin', { error }))).toMatchObject({
      action: 'fail',
      status: 508,
      code: 'ReadError',
    });
  });

  it('fails a name that is not valid UTF-8 with 400 InvalidArgument', () => {
    expect(planner().plan(file('caf\uFFFD.txt', { invalidName: true }))).toMatchObject({
      action: 'fail',
      status: 400,
      code: 'InvalidArgument',
    });
  });

  it('fails a file over 5 TB with 400 EntityTooLarge, and accepts exactly 5 TB', () => {
    const p = planner();
    const fiveTb = 5 * 1024 ** 4;
    expect(p.plan(file('big.img', { size: fiveTb }))).toMatchObject({ action: 'upload' });
    expect(p.plan(file('huge.img', { size: fiveTb + 1 }))).toMatchObject({
      action: 'fail',
      status: 400,
      code: 'EntityTooLarge',
      key: 'huge.img',
    });
  });
});

describe('planning many entries', () => {
  it('plans 5,000 files through the ignore worker in a few hundred milliseconds', () => {
    const p = planner('ignore:\n  - .*~$\n  - (?i)\\.tmp$\n  - ^\\$RECYCLE\\.BIN/\n');
    const entries: DeviceEntry[] = [];
    for (let i = 0; i < 5000; i++) entries.push(file(`d${i % 50}/f${i}${i % 7 === 0 ? '.TMP' : '.jpg'}`));
    const started = performance.now();
    const actions = entries.map((e) => p.plan(e)?.action);
    const elapsed = performance.now() - started;
    expect(actions.filter((a) => a === 'skip')).toHaveLength(715);
    expect(elapsed).toBeLessThan(5000);
  });
});
