import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import { decodeXmlText, formEncode, parseResponse } from '../../../src/cli/importexport-client.js';
import {
  GET_STATUS_FIELDS,
  JOB_ID,
  LISTED_JOBS,
  SIGNATURE,
  SIGNATURE_FILE,
  cancelJobXml,
  createJobXml,
  errorXml,
  getStatusXml,
  listJobsXml,
  shippingLabelXml,
  updateJobXml,
  MANIFEST,
} from './golden.js';
import { REQUEST_ID, successXml } from './stub-api.js';

const ENDPOINT = 'http://127.0.0.1:8080';

function caught(run: () => unknown): CatalogError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogError);
    return err as CatalogError;
  }
  throw new Error('nothing thrown');
}

describe('parseResponse: the golden XML of each operation, typed per the model', () => {
  it('CreateJob', () => {
    expect(
      parseResponse('CreateJob', 200, createJobXml(JOB_ID, MANIFEST, 'odd <bucket> & name'), ENDPOINT),
    ).toEqual({
      JobId: JOB_ID,
      JobType: 'Import',
      Signature: SIGNATURE,
      SignatureFileContents: SIGNATURE_FILE,
      WarningMessage: 'odd <bucket> & name',
      ArtifactList: [],
    });
  });

  it('GetStatus: an integer ErrorCount, the manifest text unchanged, artifacts as a list', () => {
    expect(parseResponse('GetStatus', 200, getStatusXml(), ENDPOINT)).toEqual({
      ...GET_STATUS_FIELDS,
      ArtifactList: [{ Description: 'Import log', URL: 's3://photos/import-log-K7M2P.csv' }],
    });
  });

  it('ListJobs: booleans, a list of Job structures', () => {
    expect(parseResponse('ListJobs', 200, listJobsXml(true), ENDPOINT)).toEqual({
      Jobs: LISTED_JOBS,
      IsTruncated: true,
    });
    expect(
      parseResponse(
        'ListJobs',
        200,
        successXml('ListJobs', '<Jobs/><IsTruncated>false</IsTruncated>'),
        ENDPOINT,
      ),
    ).toEqual({
      Jobs: [],
      IsTruncated: false,
    });
  });

  it('UpdateJob, CancelJob, GetShippingLabel', () => {
    expect(parseResponse('UpdateJob', 200, updateJobXml('w'), ENDPOINT)).toEqual({
      Success: true,
      WarningMessage: 'w',
      ArtifactList: [],
    });
    expect(parseResponse('CancelJob', 200, cancelJobXml(false), ENDPOINT)).toEqual({ Success: false });
    expect(
      parseResponse('GetShippingLabel', 200, shippingLabelXml('https://x/l.pdf?a=1&b=2'), ENDPOINT),
    ).toEqual({
      ShippingLabelURL: 'https://x/l.pdf?a=1&b=2',
    });
  });

  it('decodes entities and character references, keeps CR given as &#13;, and ignores unknown members', () => {
    const xml = successXml(
      'GetStatus',
      '<JobId>K7M2P</JobId><CurrentManifest>a: "&lt;&amp;&gt;&apos;&quot;"&#13;\nb: &#xE9;&#233;\r\nc: 1</CurrentManifest><Unknown>x</Unknown>',
    );
    expect(parseResponse('GetStatus', 200, xml, ENDPOINT)).toEqual({
      JobId: 'K7M2P',
      CurrentManifest: 'a: "<&>\'""\r\nb: éé\nc: 1',
    });
    expect(decodeXmlText('&amp;lt; &#128512; &bogus;')).toBe('&lt; 😀 &bogus;');
  });

  it('refuses a member that does not have its model type', () => {
    const badCount = caught(() =>
      parseResponse('GetStatus', 200, successXml('GetStatus', '<ErrorCount>many</ErrorCount>'), ENDPOINT),
    );
    expect(badCount.code).toBe('InternalError');
    expect(badCount.details).toEqual({
      reason: `the server's GetStatus.ErrorCount is "many", which is not an integer`,
    });
    const badBool = caught(() =>
      parseResponse('ListJobs', 200, successXml('ListJobs', '<IsTruncated>maybe</IsTruncated>'), ENDPOINT),
    );
    expect(badBool.message).toBe('Something went wrong inside the server.');
  });
});

describe('parseResponse: errors', () => {
  it('turns <ErrorResponse> into the catalog error with the server message', () => {
    const err = caught(() =>
      parseResponse(
        'GetStatus',
        400,
        errorXml('CanceledJobIdException', 'Job K7M2P & co was canceled.'),
        ENDPOINT,
      ),
    );
    expect(err.code).toBe('CanceledJobIdException');
    expect(err.message).toBe('Job K7M2P & co was canceled.');
    expect(err.details).toEqual({
      serverMessage: 'Job K7M2P & co was canceled.',
      requestId: REQUEST_ID,
      httpStatus: 400,
    });
  });

  it('keeps the catalog message when the server sends none', () => {
    const err = caught(() => parseResponse('CancelJob', 403, errorXml('InvalidClientTokenId', ''), ENDPOINT));
    expect(err.code).toBe('InvalidClientTokenId');
    expect(err.message).toBe('The access key ID that signed the request is not known to this server.');
  });

  it('makes an unknown error code InternalError, with the code and message', () => {
    const err = caught(() =>
      parseResponse('ListJobs', 400, errorXml('Throttling', 'Rate exceeded'), ENDPOINT),
    );
    expect(err.code).toBe('InternalError');
    expect(String((err.details as { reason: string }).reason)).toBe(
      `${ENDPOINT} answered HTTP 400 with the unknown error code Throttling: Rate exceeded; check --endpoint-url (LONGSHORE_ENDPOINT)`,
    );
  });

  it.each([
    [200, '{"ok":true}'],
    [200, successXml('GetStatus', '<JobId>X</JobId>')],
    [500, ''],
    [404, '<html><body>Not Found</body></html>'],
    [200, '<ListJobsResponse><ListJobsResult>'],
  ])('makes HTTP %i with %j InternalError', (status, body) => {
    const err = caught(() => parseResponse('ListJobs', status, body, ENDPOINT));
    expect(err.code).toBe('InternalError');
    expect(String((err.details as { reason: string }).reason)).toContain(`answered HTTP ${status}`);
  });
});

describe('formEncode', () => {
  it("percent-encodes as RFC 3986 (space %20, UTF-8, !'()* too)", () => {
    expect(formEncode([['Manifest', "a b+c&d=e\n!'()*~é"]])).toBe(
      'Manifest=a%20b%2Bc%26d%3De%0A%21%27%28%29%2A~%C3%A9',
    );
    expect(new URLSearchParams(formEncode([['x', "a b+c&d=e\n!'()*~é"]])).get('x')).toBe(
      "a b+c&d=e\n!'()*~é",
    );
  });
});
