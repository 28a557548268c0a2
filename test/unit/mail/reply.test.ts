import { describe, expect, it } from 'vitest';
import { jobStatusView, signatureFileContents } from '../../../src/jobs/index.js';
import { renderReply, type MailReply, type ReplyBody } from '../../../src/mail/index.js';
import type { JobRecord } from '../../../src/store/index.js';

const DATE = new Date('2026-03-02T10:00:00Z');
const SIGNATURE = signatureFileContents('ABCDE', 'c2lnbmF0dXJl');

function job(fields: Partial<JobRecord> = {}): JobRecord {
  return {
    jobId: 'ABCDE',
    owner: 'LSIAEXAMPLE',
    jobType: 'Import',
    manifestText: 'manifestVersion: 2.0\n',
    signature: 'c2lnbmF0dXJl',
    location: 'NotReceived',
    progress: 'Pending',
    progressMessage: null,
    canceled: false,
    createdAt: DATE,
    updatedAt: DATE,
    expiredAt: null,
    carrier: null,
    trackingNumber: null,
    logBucket: null,
    logKey: null,
    errorCount: null,
    ...fields,
  };
}

function reply(command: MailReply['command'], body: ReplyBody, fields: Partial<MailReply> = {}): MailReply {
  return {
    command,
    origin: {
      fromAddress: 'jane@example.org',
      messageId: '<cmd-1@example.org>',
      references: ['<older@example.org>'],
      subject: command ?? '',
    },
    recipient: 'jane@example.org',
    accessKeyId: 'LSIAEXAMPLE',
    date: DATE,
    body,
    ...fields,
  };
}

const lines = (...text: string[]) => text.join('\n') + '\n';

describe('renderReply: success', () => {
  it('GET STATUS: the five keys, threaded under the command mail', () => {
    const rendered = renderReply(reply('GET STATUS', { kind: 'status', status: jobStatusView(job()) }));
    expect(rendered).toEqual({
      to: 'jane@example.org',
      subject: 'RE: GET STATUS',
      text: lines(
        'SUCCESS',
        'JOBID: ABCDE',
        'DEVICE CODE: NotReceived',
        'DEVICE DESCRIPTION: The loading station has not received the device yet.',
        'JOB CODE: Pending',
        'JOB DESCRIPTION: The job has not started yet.',
      ),
      attachments: [],
      inReplyTo: '<cmd-1@example.org>',
      references: ['<older@example.org>', '<cmd-1@example.org>'],
      date: DATE,
    });
  });

  it('GET STATUS: Returned names the carrier and tracking number, Success the log, SuccessWithErrors the count', () => {
    const returned = job({
      location: 'Returned',
      progress: 'Success',
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      logBucket: 'photos',
      logKey: 'import-log-ABCDE.csv',
      errorCount: 0,
    });
    expect(renderReply(reply('GET STATUS', { kind: 'status', status: jobStatusView(returned) })).text).toBe(
      lines(
        'SUCCESS',
        'JOBID: ABCDE',
        'DEVICE CODE: Returned',
        'DEVICE DESCRIPTION: The device was sent back with UPS; tracking number 1Z999AA10123456784.',
        'JOB CODE: Success',
        'JOB DESCRIPTION: Every file was loaded. The import log is at s3://photos/import-log-ABCDE.csv.',
      ),
    );
    const withErrors = job({
      location: 'AtAWS',
      progress: 'SuccessWithErrors',
      logBucket: 'photos',
      logKey: 'import-log-ABCDE.csv',
      errorCount: 3,
    });
    expect(renderReply(reply('GET STATUS', { kind: 'status', status: jobStatusView(withErrors) })).text).toBe(
      lines(
        'SUCCESS',
        'JOBID: ABCDE',
        'DEVICE CODE: AtAWS',
        'DEVICE DESCRIPTION: The device is at the loading station.',
        'JOB CODE: SuccessWithErrors',
        'JOB DESCRIPTION: The load finished, but 3 file(s) failed; the import log lists them.',
      ),
    );
  });

  it('CREATE JOB: JOBID, status, warnings, instructions and the SIGNATURE attached', () => {
    const rendered = renderReply(
      reply('CREATE JOB', {
        kind: 'created',
        jobId: 'ABCDE',
        status: jobStatusView(job()),
        signatureFileContents: SIGNATURE,
        warnings: ['ignore[0] matches nothing'],
      }),
    );
    expect(rendered.subject).toBe('RE: CREATE JOB');
    expect(rendered.text).toBe(
      lines(
        'SUCCESS',
        'JOBID: ABCDE',
        'DEVICE CODE: NotReceived',
        'DEVICE DESCRIPTION: The loading station has not received the device yet.',
        'JOB CODE: Pending',
        'JOB DESCRIPTION: The job has not started yet.',
        'WARNING: ignore[0] matches nothing',
        'INSTRUCTIONS: Copy the attached SIGNATURE file, unchanged, to the root of the device, then ship the device to the loading station.',
      ),
    );
    expect(rendered.attachments).toEqual([
      { filename: 'SIGNATURE', content: SIGNATURE, contentType: 'text/plain' },
    ]);
    expect(SIGNATURE).toBe('version:2.0\nsigningMethod:HmacSHA256\njobId:ABCDE\nsignature:c2lnbmF0dXJl\n');
  });

  it('UPDATE JOB: the new SIGNATURE attached and the old one declared invalid', () => {
    const rendered = renderReply(
      reply('UPDATE JOB', {
        kind: 'updated',
        jobId: 'ABCDE',
        status: null,
        signatureFileContents: SIGNATURE,
        warnings: [],
      }),
    );
    expect(rendered.subject).toBe('RE: UPDATE JOB');
    expect(rendered.text).toBe(
      lines(
        'SUCCESS',
        'JOBID: ABCDE',
        'INSTRUCTIONS: Replace the SIGNATURE file on the device with the attached one; the previous SIGNATURE file is no longer valid.',
      ),
    );
    expect(rendered.attachments.map((a) => [a.filename, a.content])).toEqual([['SIGNATURE', SIGNATURE]]);
  });

  it('CANCEL JOB', () => {
    const rendered = renderReply(reply('CANCEL JOB', { kind: 'canceled', jobId: 'ABCDE' }));
    expect(rendered.subject).toBe('RE: CANCEL JOB');
    expect(rendered.text).toBe(lines('SUCCESS', 'JOBID: ABCDE', 'CANCELED: true'));
    expect(rendered.attachments).toEqual([]);
  });

  it('LIST JOBS: one block per job; none; truncated', () => {
    const jobs = [
      {
        jobId: 'FGHJK',
        jobType: 'Export' as const,
        creationDate: new Date('2026-03-02T10:00:00.123Z'),
        isCanceled: false,
      },
      {
        jobId: 'ABCDE',
        jobType: 'Import' as const,
        creationDate: new Date('2026-02-28T23:59:59Z'),
        isCanceled: true,
      },
    ];
    expect(renderReply(reply('LIST JOBS', { kind: 'list', jobs, isTruncated: false })).text).toBe(
      lines(
        'SUCCESS',
        'JOBS: 2',
        '',
        'JOBID: FGHJK',
        'CREATION DATE: 2026-03-02T10:00:00Z',
        'JOB TYPE: Export',
        'CANCELED: false',
        '',
        'JOBID: ABCDE',
        'CREATION DATE: 2026-02-28T23:59:59Z',
        'JOB TYPE: Import',
        'CANCELED: true',
      ),
    );
    expect(renderReply(reply('LIST JOBS', { kind: 'list', jobs: [], isTruncated: false })).text).toBe(
      lines('SUCCESS', 'JOBS: 0'),
    );
    expect(renderReply(reply('LIST JOBS', { kind: 'list', jobs: [], isTruncated: true })).text).toBe(
      lines('SUCCESS', 'JOBS: 0', 'TRUNCATED: true'),
    );
  });
});

describe('renderReply: errors', () => {
  it('spells the seed code verbatim, with the catalog description and action', () => {
    const rendered = renderReply(
      reply('CREATE JOB', { kind: 'error', error: { code: 'InvalidAccess Key ID', params: {}, issues: [] } }),
    );
    expect(rendered.text).toBe(
      lines(
        'ERROR',
        'CODE: InvalidAccess Key ID',
        'DESCRIPTION: The access key ID is unknown or does not belong to this account.',
        "RECOMMENDED ACTION: Correct the access key ID (for an e-mail command, the manifest's accessKeyId field) and send the command again.",
      ),
    );
    expect(rendered.attachments).toEqual([]);
  });

  it('names the manifest fields in the description and lists every issue with its place', () => {
    const rendered = renderReply(
      reply('UPDATE JOB', {
        kind: 'error',
        error: {
          code: 'MissingManifestField',
          params: { fields: 'deviceId (line 1, column 1)' },
          issues: [
            {
              code: 'MissingManifestFieldException',
              path: 'deviceId',
              line: 1,
              column: 1,
              message: "An import manifest needs 'deviceId'.",
            },
            {
              code: 'InvalidAddressException',
              path: 'returnAddress.city',
              line: 5,
              column: 3,
              message: "The return address needs 'returnAddress.city'.",
            },
          ],
        },
      }),
    );
    expect(rendered.text).toBe(
      lines(
        'ERROR',
        'CODE: MissingManifestField',
        'DESCRIPTION: Some required manifest fields are missing: deviceId (line 1, column 1).',
        'RECOMMENDED ACTION: Add those fields to the manifest and send the command again.',
        "ISSUE: deviceId (line 1, column 1): An import manifest needs 'deviceId'.",
        "ISSUE: returnAddress.city (line 5, column 3): The return address needs 'returnAddress.city'.",
      ),
    );
  });

  it('answers a mail without a command with UnknownCommand, listing the commands, under its own subject', () => {
    const error: ReplyBody = { kind: 'error', error: { code: 'UnknownCommand', params: {}, issues: [] } };
    const unknown = reply(null, error, {
      origin: { fromAddress: null, messageId: null, references: [], subject: 'DELETE   JOB' },
    });
    const rendered = renderReply(unknown);
    expect(rendered.subject).toBe('RE: DELETE JOB');
    expect(rendered.inReplyTo).toBeUndefined();
    expect(rendered.references).toBeUndefined();
    expect(rendered.text).toBe(
      lines(
        'ERROR',
        'CODE: UnknownCommand',
        'DESCRIPTION: The subject of the e-mail names no command. The commands are CREATE JOB, UPDATE JOB, CANCEL JOB, GET STATUS and LIST JOBS.',
        'RECOMMENDED ACTION: Send the e-mail again with one command as its subject: attach the manifest for CREATE JOB and UPDATE JOB, and put a JOBID: line in the body for UPDATE JOB, CANCEL JOB and GET STATUS.',
      ),
    );
    const noSubject = reply(null, error, {
      origin: { fromAddress: null, messageId: '<x@y>', references: [], subject: '' },
    });
    expect(renderReply(noSubject).subject).toBe('RE: (no subject)');
    const long = reply(null, error, {
      origin: { fromAddress: null, messageId: null, references: [], subject: 'x'.repeat(500) },
    });
    expect(renderReply(long).subject).toBe(`RE: ${'x'.repeat(200)}`);
  });

  it('has no recipient for InvalidSender and keeps values on one line', () => {
    const rendered = renderReply(
      reply(
        'GET STATUS',
        { kind: 'error', error: { code: 'InvalidSender', params: {}, issues: [] } },
        { recipient: null, accessKeyId: null },
      ),
    );
    expect(rendered.to).toBeNull();
    expect(rendered.text.split('\n')[1]).toBe('CODE: InvalidSender');
    const multiline = renderReply(
      reply('GET STATUS', {
        kind: 'status',
        status: jobStatusView(
          job({ location: 'Returned', carrier: 'UPS\r\nBcc: x', trackingNumber: '1\n2' }),
        ),
      }),
    );
    expect(multiline.text).toContain(
      'DEVICE DESCRIPTION: The device was sent back with UPS Bcc: x; tracking number 1 2.',
    );
  });

  it('does not repeat the Message-ID in References', () => {
    const rendered = renderReply(
      reply(
        'LIST JOBS',
        { kind: 'list', jobs: [], isTruncated: false },
        {
          origin: {
            fromAddress: null,
            messageId: '<a@b>',
            references: ['<z@b>', '<a@b>'],
            subject: 'LIST JOBS',
          },
        },
      ),
    );
    expect(rendered.references).toEqual(['<z@b>', '<a@b>']);
  });
});
