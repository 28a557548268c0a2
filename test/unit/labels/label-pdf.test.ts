import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLING_NOTE, renderLabelPdf } from '../../../src/api/labels/index.js';
import { PAGE_HEIGHT, PAGE_WIDTH } from '../../../src/api/labels/label-pdf.js';
import type { ShippingLabelRecord } from '../../../src/store/index.js';
import { ADDRESS, STATION_ADDRESS } from './label-fixtures.js';

const run = promisify(execFile);

/** Debian tools the deeper checks use; each such test is skipped, saying which package, without it. */
function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const POPPLER = hasTool('pdftotext') && hasTool('pdftoppm');
const ZBAR = hasTool('zbarimg');
if (!POPPLER || !ZBAR) {
  console.warn(
    "label PDF tests: skipping the pdftotext/zbarimg checks; install Debian's poppler-utils and zbar-tools",
  );
}
/** The test's name, saying why it is skipped when a tool is missing. */
function needs(ok: boolean, name: string, packages: string): string {
  return ok ? name : `${name} -- SKIPPED: install Debian's ${packages}`;
}

const LABEL: ShippingLabelRecord = {
  labelId: 'AAAAAAAAAAAAAAAAAAAAAA',
  owner: 'LSIA0000000000000001',
  jobIds: ['ABCDE', 'X7Y9Z', '12345'],
  address: { ...ADDRESS, street2: 'Floor 3' },
  createdAt: new Date('2026-03-02T10:00:00Z'),
};

/** The decoded content streams of each page (text drawn with the standard fonts is hex-encoded). */
function pageContents(doc: PDFDocument): string[] {
  return doc.getPages().map((page) => {
    const contents = page.node.Contents();
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
    return refs
      .map((ref) => {
        const stream = ref instanceof PDFRawStream ? ref : doc.context.lookup(ref as never);
        if (!(stream instanceof PDFRawStream)) throw new Error('unexpected content stream');
        return Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
      })
      .join('\n');
  });
}

function hex(text: string): string {
  return `<${Buffer.from(text, 'latin1').toString('hex').toUpperCase()}>`;
}

let pdf: Uint8Array;
let dir: string;
beforeAll(async () => {
  pdf = await renderLabelPdf(LABEL, STATION_ADDRESS);
  dir = await mkdtemp(join(tmpdir(), 'longshore-label-'));
  await writeFile(join(dir, 'label.pdf'), pdf);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the label PDF', () => {
  it('has one 4x6 inch page per job, a title and the label’s creation date', async () => {
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getPageCount()).toBe(3);
    for (const page of doc.getPages())
      expect(page.getSize()).toEqual({ width: PAGE_WIDTH, height: PAGE_HEIGHT });
    expect(doc.getTitle()).toBe('Shipping label ABCDE, X7Y9Z, 12345');
    expect(doc.getCreationDate()).toEqual(LABEL.createdAt);
    expect(doc.getModificationDate()).toEqual(LABEL.createdAt);
  });

  it('is the same bytes for the same label and station address', async () => {
    const again = await renderLabelPdf(LABEL, STATION_ADDRESS);
    expect(Buffer.from(again).equals(Buffer.from(pdf))).toBe(true);
    const otherStation = await renderLabelPdf(LABEL, ['Elsewhere', 'Somewhere']);
    expect(Buffer.from(otherStation).equals(Buffer.from(pdf))).toBe(false);
  });

  it('draws each job ID on its own page, with both addresses, the note and the date', async () => {
    const pages = pageContents(await PDFDocument.load(pdf));
    LABEL.jobIds.forEach((jobId, i) => {
      const page = pages[i]!;
      expect(page).toContain(hex(jobId));
      for (const other of LABEL.jobIds.filter((id) => id !== jobId)) expect(page).not.toContain(hex(other));
      expect(page).toContain(hex(ADDRESS.name));
      expect(page).toContain(hex('Portland, OR 97201'));
      for (const line of STATION_ADDRESS) expect(page).toContain(hex(line));
      expect(page).toContain(hex('Created 2026-03-02 10:00 UTC'));
      expect(page).toContain(hex(`${i + 1} of 3`));
      expect(page).toContain('/Im'); // the barcode image
    });
  });

  it('prints characters the standard fonts lack as "?" instead of failing', async () => {
    const label = { ...LABEL, jobIds: ['ABCDE'], address: { ...ADDRESS, name: 'Zoë 東京' } };
    const pages = pageContents(await PDFDocument.load(await renderLabelPdf(label, STATION_ADDRESS)));
    expect(pages[0]).toContain(hex('Zo\u00eb ??'));
  });

  it.skipIf(!POPPLER)(needs(POPPLER, 'reads back as text with pdftotext', 'poppler-utils'), async () => {
    const { stdout } = await run('pdftotext', ['-layout', join(dir, 'label.pdf'), '-']);
    const pages = stdout.split('\f').filter((page) => page.trim() !== '');
    expect(pages).toHaveLength(3);
    LABEL.jobIds.forEach((jobId, i) => {
      const text = pages[i]!.replace(/[ \t]+/g, ' ');
      expect(text).toContain(jobId);
      for (const line of [
        ADDRESS.name,
        ADDRESS.company,
        ADDRESS.street1,
        'Floor 3',
        'Phone: +1 503 555 0199',
      ])
        expect(text).toContain(line);
      for (const line of STATION_ADDRESS) expect(text).toContain(line);
      expect(text.replace(/\s+/g, ' ')).toContain(HANDLING_NOTE);
      expect(text).toContain('FROM');
      expect(text).toContain('SHIP TO');
    });
  });

  const barcodeTest = needs(
    POPPLER && ZBAR,
    'has a Code 128 barcode of the job ID on each page',
    'poppler-utils and zbar-tools',
  );
  it.skipIf(!POPPLER || !ZBAR)(barcodeTest, async () => {
    await run('pdftoppm', ['-r', '150', '-png', join(dir, 'label.pdf'), join(dir, 'page')]);
    const images = (await readdir(dir)).filter((name) => name.endsWith('.png')).sort();
    expect(images).toHaveLength(3);
    const decoded = [];
    for (const image of images) {
      const { stdout } = await run('zbarimg', ['-q', '--raw', join(dir, image)]);
      decoded.push(stdout.trim());
    }
    expect(decoded).toEqual(LABEL.jobIds);
    const { stdout } = await run('zbarimg', ['-q', join(dir, images[0]!)]);
    expect(stdout.trim()).toBe('CODE-128:ABCDE');
  });
});
