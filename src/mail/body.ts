/**
 * The body of a command mail, split into what the sender wrote and what they quoted or forwarded.
 * Pure text handling; nothing here knows jobs or accounts.
 */
export interface BodyText {
  /** Lines the sender wrote: before the first reply/forward marker, without `>` lines. */
  own: string[];
  /** Quoted lines (`>` stripped) and everything after the first reply/forward marker. */
  quoted: string[];
}

/** Lines that start the quoted or forwarded part of a reply or forward, as common clients write them. */
const MARKERS: readonly RegExp[] = [
  /^\s*On\s.*\swrote:\s*$/i, // Gmail, Thunderbird, Apple Mail: "On <date>, <who> wrote:"
  /^\s*Am\s.*\sschrieb\s?.*:\s*$/i, // German clients: "Am <date> schrieb <who>:"
  /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/i, // Outlook, Thunderbird
  /^\s*-{2,}\s*Forwarded message\s*-*\s*$/i, // Gmail: "---------- Forwarded message ---------"
  /^\s*-{2,}\s*Forwarded Message\s*-{2,}\s*$/i, // Thunderbird
  /^\s*Begin forwarded message:\s*$/i, // Apple Mail
  /^\s*_{10,}\s*$/, // Outlook's rule above the quoted headers
];

const isQuoteLine = (line: string): boolean => /^\s*>/.test(line);
const unquote = (line: string): string => line.replace(/^(\s*>)+ ?/, '');

/** True when line `i` starts the quoted part (some clients wrap "On ... wrote:" over two lines). */
function isMarker(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? '';
  if (MARKERS.some((re) => re.test(line))) return true;
  const next = lines[i + 1] ?? '';
  if (/^\s*On\s/i.test(line) && /\swrote:\s*$|^\S*\s*wrote:\s*$/i.test(next) && line.length > 10) return true;
  // Outlook without the rule: "From: ..." directly followed by "Sent: ..." or "Date: ...".
  return /^\s*From:\s/i.test(line) && /^\s*(Sent|Date):\s/i.test(next);
}

/** Splits the body text (LF or CRLF) into the sender's own lines and the quoted or forwarded ones. */
export function splitBody(text: string): BodyText {
  const lines = text.split(/\r?\n|\r/);
  const own: string[] = [];
  const quoted: string[] = [];
  let inQuoted = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!inQuoted && isMarker(lines, i)) inQuoted = true;
    if (inQuoted) quoted.push(unquote(line));
    else if (isQuoteLine(line)) quoted.push(unquote(line));
    else own.push(line);
  }
  return { own, quoted };
}

/** `KEY: value` / `KEY=value` lines; the key's words may be run together or split (`JOBID`, `JOB ID`). */
function keyPattern(words: readonly string[]): RegExp {
  return new RegExp(`^[\\s*_]*${words.join('[ \\t_-]?')}[\\s*_]*[:=][\\s*_]*(.*)$`, 'i');
}

const JOB_ID_LINE = keyPattern(['job', 'id']);
const JOB_TYPE_LINE = keyPattern(['job', 'type']);

/** The first word of a value, without quotes, brackets or a sentence's final punctuation. */
function firstToken(value: string): string {
  const token = value.trim().split(/\s+/)[0] ?? '';
  return token.replace(/^["'<([{]+/, '').replace(/["'>)\]}.,;:!?]+$/, '');
}

function findValue(lines: readonly string[], pattern: RegExp): string | null {
  for (const line of lines) {
    const match = pattern.exec(line);
    const token = match ? firstToken(match[1] ?? '') : '';
    if (token !== '') return token;
  }
  return null;
}

/** The JOBID the sender wrote; the quoted or forwarded part counts only when their own text has none. */
export function findJobId(body: BodyText): string | null {
  return findValue(body.own, JOB_ID_LINE) ?? findValue(body.quoted, JOB_ID_LINE);
}

/** The optional `JOBTYPE:` line, from the sender's own text only (quoted replies list other jobs' types). */
export function findJobType(body: BodyText): string | null {
  return findValue(body.own, JOB_TYPE_LINE);
}

/** A line a YAML manifest can hold at the top level: `key: value`, a list item, an indented line, a comment. */
const YAML_LINE = /^(\s+\S|#|---\s*$|-\s|[A-Za-z_][\w.-]*\s*:(\s|$))/;

/**
 * A manifest that reached the body rather than the attachments: mail clients such as Apple Mail send
 * a small text file as an inline text part, which the parser merges into the body text. Found only in
 * the sender's own text, from the YAML block around a line that starts with `manifestVersion:` to the
 * end of their text (or a `-- ` signature line).
 */
export function findManifestInBody(body: BodyText): string | null {
  const lines = body.own;
  const versionLine = lines.findIndex((line) => /^manifestVersion\s*:/.test(line));
  if (versionLine < 0) return null;
  let start = versionLine;
  while (start > 0) {
    const previous = lines[start - 1] ?? '';
    if (!YAML_LINE.test(previous) || JOB_ID_LINE.test(previous) || JOB_TYPE_LINE.test(previous)) break;
    start--;
  }
  let end = lines.findIndex((line, i) => i > versionLine && /^--\s?$/.test(line));
  if (end < 0) end = lines.length;
  const block = lines.slice(start, end);
  while (block.length > 0 && (block[block.length - 1] ?? '').trim() === '') block.pop();
  return block.join('\n') + '\n';
}

/** Plain text from an HTML body, for the rare parser output that has HTML but no text. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<blockquote[\s\S]*?<\/blockquote\s*>/gi, (quote) =>
      quote
        .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)\s*>/gi, '\n')
        .replace(/<[^>]*>/g, '')
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n'),
    )
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
