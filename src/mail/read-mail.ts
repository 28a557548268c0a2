import { simpleParser, type ParsedMail } from 'mailparser';

/** Largest HTML body converted to text when a mail has no text part (mailparser's own limit). */
const MAX_HTML_TO_TEXT = 1024 * 1024;

/**
 * Raw RFC 5322 bytes as mailparser's ParsedMail, for parseCommand. Never throws on malformed MIME
 * (mailparser parses what it can); skips the work parseCommand does not need (text-to-HTML, links).
 * The caller bounds the size (the SMTP listener's limit) before it gets here.
 */
export function readMail(source: Buffer | string): Promise<ParsedMail> {
  return simpleParser(source, {
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: MAX_HTML_TO_TEXT,
  });
}
