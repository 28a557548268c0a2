import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/catalog/index.js';
import {
  errorXml,
  escapeXml,
  field,
  isoSeconds,
  list,
  node,
  successXml,
} from '../../../src/api/query/xml.js';
import { invalidParam } from '../../../src/api/query/errors.js';

describe('escapeXml', () => {
  it('escapes markup and keeps CR as a character reference', () => {
    expect(escapeXml(`<a href="x">&'</a>\r\n`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;&#xD;\n',
    );
  });

  it('drops characters XML 1.0 cannot carry, keeps tab, newline and astral characters', () => {
    expect(escapeXml('a\u0000b\u0007c\u001Fd\uFFFEe\uFFFFf\uD800g\tñ🚚\n')).toBe('abcdefg\tñ🚚\n');
  });
});

describe('elements', () => {
  it('field omits null and undefined, writes booleans, numbers and second-precision timestamps', () => {
    expect(field('A', null) + field('B', undefined)).toBe('');
    expect(field('Ok', true) + field('N', 0)).toBe('<Ok>true</Ok><N>0</N>');
    expect(field('D', new Date('2010-03-28T20:27:35.999Z'))).toBe('<D>2010-03-28T20:27:35Z</D>');
    expect(isoSeconds(new Date(0))).toBe('1970-01-01T00:00:00Z');
  });

  it('node and list write empty elements as <X/>', () => {
    expect(node('X')).toBe('<X/>');
    expect(list('L', [])).toBe('<L/>');
    expect(list('L', ['<a>1</a>', '<a>2</a>'])).toBe(
      '<L><member><a>1</a></member><member><a>2</a></member></L>',
    );
  });
});

describe('envelopes', () => {
  it('success: OpResponse / OpResult / ResponseMetadata', () => {
    expect(successXml('CancelJob', '<Success>true</Success>', 'r-1')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<CancelJobResponse xmlns="http://importexport.amazonaws.com/doc/2010-06-01/">' +
        '<CancelJobResult><Success>true</Success></CancelJobResult>' +
        '<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></CancelJobResponse>',
    );
  });

  it('error: Sender below 500, Receiver from 500; the message escaped, with the reason', () => {
    const sender = errorXml(invalidParam('a<b', 'it must be "x"'), 'r-2');
    expect(sender).toContain('<Type>Sender</Type><Code>InvalidParameterException</Code>');
    expect(sender).toContain(
      '<Message>The parameter a&lt;b has a value that is not allowed. It must be &quot;x&quot;.</Message>',
    );
    expect(sender).toMatch(/<\/Error><RequestId>r-2<\/RequestId><\/ErrorResponse>$/);
    expect(errorXml(new CatalogError('InternalError'), 'r-3')).toContain('<Type>Receiver</Type>');
  });
});
