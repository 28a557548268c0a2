import { randomBytes } from 'node:crypto';

/** Raw command mails for the e-mail tests: the awkward shapes of the bad-input list. */

const CRLF = '\r\n';

function headers(from: string, subject: string | null, extra: string[] = []): string[] {
  return [
    `From: ${from}`,
    'To: importexport@localhost',
    ...(subject === null ? [] : [`Subject: ${subject}`]),
    `Message-ID: <${randomBytes(6).toString('hex')}@client.test>`,
    'MIME-Version: 1.0',
    ...extra,
  ];
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

/** A plain-text mail; `subject` null leaves the Subject header out. */
export function plainMail(from: string, subject: string | null, body: string): string {
  return [...headers(from, subject, ['Content-Type: text/plain; charset=utf-8']), '', body, ''].join(CRLF);
}

/** The manifest as UTF-16LE with a BOM, as Windows Notepad saves "Unicode" text. */
export function utf16Manifest(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf16le')]);
}

/** A mail with one attachment of `bytes`, base64-encoded. */
export function mailWithAttachment(
  from: string,
  subject: string,
  body: string,
  attachment: { filename: string; contentType: string; bytes: Buffer },
): string {
  const boundary = `b-${randomBytes(6).toString('hex')}`;
  return [
    ...headers(from, subject, [`Content-Type: multipart/mixed; boundary="${boundary}"`]),
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    `--${boundary}`,
    `Content-Type: ${attachment.contentType}; name="${attachment.filename}"`,
    `Content-Disposition: attachment; filename="${attachment.filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(attachment.bytes),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

/** A CREATE JOB mail whose manifest sits at the bottom of `depth` nested multiparts. */
export function deeplyNestedMail(from: string, depth: number, manifest: string): string {
  let part = [
    'Content-Type: text/yaml; name="manifest.yaml"',
    'Content-Disposition: attachment; filename="manifest.yaml"',
    '',
    manifest,
  ].join(CRLF);
  for (let level = depth; level > 0; level--) {
    const boundary = `nest-${level}`;
    part = [
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      part,
      `--${boundary}--`,
    ].join(CRLF);
  }
  return [...headers(from, 'CREATE JOB'), part, ''].join(CRLF);
}

/** A mail whose MIME is broken: a boundary never closed, a bad header line, invalid encodings. */
export function malformedMail(from: string): string {
  return [
    `From: ${from}`,
    'To: importexport@localhost',
    'Subject: LIST JOBS',
    `Message-ID: <${randomBytes(6).toString('hex')}@client.test>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="never-closed"',
    'X-Broken-Header',
    'Content-Transfer-Encoding: bogus',
    '',
    '--never-closed',
    'Content-Type: text/plain; charset=no-such-charset',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'hello =ZZ =',
    '--never-closed',
    'Content-Type: application/octet-stream; name=x.bin',
    'Content-Transfer-Encoding: base64',
    '',
    '!!!! not base64 ****',
    '',
  ].join(CRLF);
}
