import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { commandOfSubject, decodeTextBytes, parseCommand, readMail } from '../../../src/mail/index.js';

const fixtureDir = new URL('../../fixtures/mail/', import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((name) => name.endsWith('.eml'))
  .map((name) => name.slice(0, -'.eml'.length))
  .sort();

const readFixture = (name: string): Buffer => readFileSync(new URL(`${name}.eml`, fixtureDir));
const expectedOf = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`${name}.expected.json`, fixtureDir), 'utf8'));

async function parse(source: Buffer | string) {
  return parseCommand(await simpleParser(source));
}

describe('parseCommand on the .eml fixtures', () => {
  it('has at least 25 fixtures, each with its expected command', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    for (const name of fixtures) expect(() => expectedOf(name), name).not.toThrow();
  });

  it.each(fixtures)('%s', async (name) => {
    expect(await parse(readFixture(name))).toEqual(expectedOf(name));
  });

  it('gives the same command through readMail', async () => {
    for (const name of fixtures) {
      expect(parseCommand(await readMail(readFixture(name))), name).toEqual(expectedOf(name));
    }
  });

  it('keeps the CRLF and LF fixtures byte-exact', () => {
    expect(readFixture('get-status-crlf').includes('\r\n')).toBe(true);
    expect(readFixture('get-status-crlf').toString('latin1')).not.toMatch(/[^\r]\n/);
    expect(readFixture('get-status-lf').includes('\r')).toBe(false);
    // the Windows-1252 body is stored as Windows-1252 bytes, not UTF-8
    expect(readFixture('get-status-windows-1252').includes(Buffer.from([0xfc]))).toBe(true);
  });
});

describe('parseCommand on generated mail', () => {
  const MANIFEST = 'manifestVersion: 2.0\nbucket: photos\n';
  const headers = (subject: string, contentType: string) =>
    `From: jane@example.org\r\nMessage-ID: <gen@example.org>\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n`;
  const base64Lines = (data: Buffer) => data.toString('base64').replace(/.{76}/g, '$&\r\n');

  it('parses multiparts nested 100 deep in bounded time', async () => {
    const nest = (depth: number): string =>
      depth === 0
        ? 'Content-Type: text/plain\r\n\r\nJOBID: 4K7QZ\r\n'
        : `Content-Type: multipart/mixed; boundary=b${depth}\r\n\r\n--b${depth}\r\n${nest(depth - 1)}--b${depth}--\r\n`;
    const raw = `From: jane@example.org\r\nSubject: GET STATUS\r\nMIME-Version: 1.0\r\n${nest(100)}`;
    const started = Date.now();
    const command = await parse(raw);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(command).toMatchObject({ kind: 'command', command: 'GET STATUS', jobId: '4K7QZ' });
  });

  it('skips a 9 MiB binary attachment and finds the manifest after it, in bounded time', async () => {
    const big = randomBytes(9 * 1024 * 1024);
    const raw =
      headers('CREATE JOB', 'multipart/mixed; boundary=big') +
      '--big\r\nContent-Type: application/octet-stream; name=disk.img\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
      base64Lines(big) +
      '\r\n--big\r\nContent-Type: text/plain; name=manifest.txt\r\nContent-Disposition: attachment; filename=manifest.txt\r\n\r\n' +
      MANIFEST +
      '\r\n--big--\r\n';
    const started = Date.now();
    const command = await parse(raw);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(command).toMatchObject({ command: 'CREATE JOB', manifestText: MANIFEST });
  });

  it('passes a 9 MiB text attachment on as the manifest (the manifest checks refuse its size)', async () => {
    const text = Buffer.from('# padding line of a very large manifest\n'.repeat(240_000));
    expect(text.length).toBeGreaterThan(9 * 1024 * 1024);
    const raw =
      headers('CREATE JOB', 'multipart/mixed; boundary=big') +
      '--big\r\nContent-Type: text/plain; name=huge.yaml\r\nContent-Disposition: attachment; filename=huge.yaml\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
      base64Lines(text) +
      '\r\n--big--\r\n';
    const command = await parse(raw);
    expect(command.kind === 'command' && command.manifestText?.length).toBe(text.length);
  });

  it('never throws on garbage', async () => {
    for (const raw of [
      '',
      '\r\n\r\n',
      'Subject:\r\n',
      '\u0000\u0001\u0002',
      'Content-Type: multipart/mixed\r\n\r\n--',
    ]) {
      const command = await parse(raw);
      expect(command.kind).toBe('problem');
    }
  });

  it('takes the JOBID from the quoted part only when the own text has none', async () => {
    const reply = (own: string) =>
      headers('Re: GET STATUS', 'text/plain') + `${own}\r\n\r\n> SUCCESS\r\n> JOBID: 4K7QZ\r\n`;
    expect(await parse(reply('JOBID: 9HX2M'))).toMatchObject({ jobId: '9HX2M' });
    expect(await parse(reply('status please'))).toMatchObject({ jobId: '4K7QZ' });
  });

  it('finds the JOBID after a two-line "On ... wrote:" marker only when the own text has none', async () => {
    const raw =
      headers('Re: GET STATUS', 'text/plain') +
      'JOBID: 9HX2M\r\n\r\nOn Mon, 2 Mar 2026 at 09:00, Longshore <importexport@\r\nlongshore.example> wrote:\r\nJOBID: 4K7QZ\r\n';
    expect(await parse(raw)).toMatchObject({ jobId: '9HX2M' });
  });
});

describe('commandOfSubject', () => {
  it.each([
    ['CREATE JOB', 'CREATE JOB'],
    ['create job', 'CREATE JOB'],
    ['  Update   Job  ', 'UPDATE JOB'],
    ['Re: RE: re:GET STATUS', 'GET STATUS'],
    ['Fwd: FW: Aw: WG: cancel job', 'CANCEL JOB'],
    ['Re[2]: LIST JOBS', 'LIST JOBS'],
    ['[GET STATUS]', 'GET STATUS'],
    ['(list jobs)', 'LIST JOBS'],
    ['[EXTERNAL] RE: GET STATUS', 'GET STATUS'],
    ['GET STATUS.', 'GET STATUS'],
    ['DELETE JOB', null],
    ['CREATE JOB please', null],
    ['CREATEJOB', null],
    ['', null],
    ['Re:', null],
  ])('%j -> %j', (subject, command) => {
    expect(commandOfSubject(subject)).toBe(command);
  });
});

describe('decodeTextBytes', () => {
  it('decodes by BOM, declared charset, or a guess', () => {
    const text = 'bucket: café\n';
    expect(decodeTextBytes(Buffer.from(`\uFEFF${text}`, 'utf8'))).toEqual({ text, charset: 'utf-8' });
    expect(decodeTextBytes(Buffer.from(text, 'utf16le'))).toEqual({ text, charset: 'utf-16le' });
    expect(decodeTextBytes(Buffer.from(text, 'utf16le').swap16())).toEqual({ text, charset: 'utf-16be' });
    expect(decodeTextBytes(Buffer.from(text, 'latin1'))).toEqual({ text, charset: 'windows-1252' });
    expect(decodeTextBytes(Buffer.from(text, 'latin1'), 'ISO-8859-1').text).toBe(text);
    expect(decodeTextBytes(Buffer.from(text, 'utf8'), 'no-such-charset')).toEqual({ text, charset: 'utf-8' });
    expect(decodeTextBytes(Buffer.from([0x80]), 'windows-1252').text).toBe('€');
    expect(decodeTextBytes(Buffer.from(text, 'utf8'), 'us-ascii')).toEqual({ text, charset: 'utf-8' });
    expect(decodeTextBytes(Buffer.from(text, 'latin1'), 'us-ascii')).toEqual({
      text,
      charset: 'windows-1252',
    });
  });
});
