import bwipjs from 'bwip-js';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import type { ShippingLabelAddress, ShippingLabelRecord } from '../../store/index.js';

/** A 4x6 inch label page, portrait, in PDF points. */
export const PAGE_WIDTH = 288;
export const PAGE_HEIGHT = 432;

/** The handling note printed on every label. */
export const HANDLING_NOTE =
  'One device per package. The SIGNATURE file of this job must be at the root of the device.';

const MARGIN = 16;
const INNER = PAGE_WIDTH - 2 * MARGIN;
const BLACK = rgb(0, 0, 0);
const WHITE = rgb(1, 1, 1);
const GREY = rgb(0.35, 0.35, 0.35);

/** Fixed parts, measured from the bottom edge (y grows upwards in PDF). */
const FOOTER_Y = MARGIN;
const NOTE_BOTTOM = 28;
const NOTE_HEIGHT = 34;
const BARCODE_BOTTOM = NOTE_BOTTOM + NOTE_HEIGHT + 10;
const BARCODE_HEIGHT = 56;
const JOB_ID_SIZE = 40;
const JOB_ID_BASELINE = BARCODE_BOTTOM + BARCODE_HEIGHT + 12;
const JOB_CAPTION_Y = JOB_ID_BASELINE + 32;
const LOWER_RULE_Y = JOB_CAPTION_Y + 12;
const HEADER_HEIGHT = 22;
const HEADER_BOTTOM = PAGE_HEIGHT - MARGIN - HEADER_HEIGHT;
/** Code 128 bars: points per module at most, pixels per module in the PNG. */
const MODULE_POINTS = 2;
const BARCODE_SCALE = 3;

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  /** Code points the standard fonts can show (WinAnsi); anything else is printed as '?'. */
  charset: ReadonlySet<number>;
}

/**
 * The label PDF: one 4x6 inch page per job with FROM (the label's address), SHIP TO (the station),
 * the job ID as large text and as a Code 128 barcode, the handling note and the creation date.
 * Deterministic: the same label and station address give the same bytes.
 */
export async function renderLabelPdf(
  label: ShippingLabelRecord,
  stationAddress: readonly string[],
): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`Shipping label ${label.jobIds.join(', ')}`);
  doc.setSubject('Device shipment to the loading station');
  doc.setCreator('Longshore');
  doc.setProducer('Longshore');
  doc.setCreationDate(label.createdAt);
  doc.setModificationDate(label.createdAt);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const fonts: Fonts = { regular, bold, charset: new Set(regular.getCharacterSet()) };
  for (const [index, jobId] of label.jobIds.entries()) {
    const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    const barcode = await doc.embedPng(await code128Png(jobId));
    drawHeader(page, fonts, index + 1, label.jobIds.length);
    drawAddresses(page, fonts, addressLines(label.address), stationAddress);
    drawJob(page, fonts, jobId, barcode);
    drawNote(page, fonts);
    drawFooter(page, fonts, label.createdAt);
  }
  return doc.save({ useObjectStreams: false });
}

/** The job ID as a Code 128 barcode PNG (bars only; the ID is printed as text above it). */
export function code128Png(jobId: string): Promise<Buffer> {
  return bwipjs.toBuffer({
    bcid: 'code128',
    text: jobId,
    scale: BARCODE_SCALE,
    height: 10,
    includetext: false,
  });
}

/** The FROM lines: name, company, streets, `city, state postal`, country, phone. */
export function addressLines(address: ShippingLabelAddress): string[] {
  const place = [address.city, address.stateOrProvince].filter((part) => part !== undefined).join(', ');
  return [
    address.name,
    address.company,
    address.street1,
    address.street2,
    address.street3,
    `${place} ${address.postalCode}`,
    address.country,
    `Phone: ${address.phoneNumber}`,
  ].filter((line): line is string => line !== undefined && line !== '');
}

function drawHeader(page: PDFPage, fonts: Fonts, pageNumber: number, pages: number): void {
  page.drawRectangle({ x: MARGIN, y: HEADER_BOTTOM, width: INNER, height: HEADER_HEIGHT, color: BLACK });
  const y = HEADER_BOTTOM + 7;
  page.drawText('DEVICE SHIPMENT - IMPORT/EXPORT', {
    x: MARGIN + 6,
    y,
    size: 9,
    font: fonts.bold,
    color: WHITE,
  });
  const count = `${pageNumber} of ${pages}`;
  const width = fonts.bold.widthOfTextAtSize(count, 9);
  page.drawText(count, { x: MARGIN + INNER - 6 - width, y, size: 9, font: fonts.bold, color: WHITE });
}

/** FROM and SHIP TO between the header and the job section, shrunk together when they do not fit. */
function drawAddresses(page: PDFPage, fonts: Fonts, from: string[], to: readonly string[]): void {
  const top = HEADER_BOTTOM - 8;
  const available = top - LOWER_RULE_Y - 14;
  const natural = { from: 9, to: 13 };
  const needed = blockHeight(from.length, natural.from) + 14 + blockHeight(to.length, natural.to);
  const scale = Math.min(1, available / needed);
  let y = top;
  y = drawBlock(page, fonts, 'FROM', from, natural.from * scale, fonts.regular, y);
  const ruleY = y - 4;
  page.drawLine({
    start: { x: MARGIN, y: ruleY },
    end: { x: MARGIN + INNER, y: ruleY },
    thickness: 1.5,
    color: BLACK,
  });
  drawBlock(page, fonts, 'SHIP TO', to, natural.to * scale, fonts.bold, ruleY - 10);
  page.drawLine({
    start: { x: MARGIN, y: LOWER_RULE_Y },
    end: { x: MARGIN + INNER, y: LOWER_RULE_Y },
    thickness: 1.5,
    color: BLACK,
  });
}

function blockHeight(lines: number, size: number): number {
  return 10 + lines * size * 1.22;
}

/** A caption and its lines from `top` downwards; returns the y below the block. */
function drawBlock(
  page: PDFPage,
  fonts: Fonts,
  caption: string,
  lines: readonly string[],
  size: number,
  font: PDFFont,
  top: number,
): number {
  page.drawText(caption, { x: MARGIN, y: top - 7, size: 7, font: fonts.bold, color: GREY });
  let y = top - 10;
  for (const line of lines) {
    y -= size * 1.22;
    const fitted = fit(font, printable(fonts, line), size, INNER - 8);
    page.drawText(fitted.text, { x: MARGIN + 8, y: y + size * 0.22, size: fitted.size, font, color: BLACK });
  }
  return y;
}

function drawJob(page: PDFPage, fonts: Fonts, jobId: string, barcode: PDFImage): void {
  page.drawText('JOB ID', { x: MARGIN, y: JOB_CAPTION_Y, size: 7, font: fonts.bold, color: GREY });
  const idText = printable(fonts, jobId);
  const idWidth = fonts.bold.widthOfTextAtSize(idText, JOB_ID_SIZE);
  page.drawText(idText, {
    x: MARGIN + (INNER - idWidth) / 2,
    y: JOB_ID_BASELINE,
    size: JOB_ID_SIZE,
    font: fonts.bold,
    color: BLACK,
  });
  const modules = barcode.width / BARCODE_SCALE;
  const width = modules * Math.min(MODULE_POINTS, (INNER - 24) / modules);
  page.drawImage(barcode, {
    x: MARGIN + (INNER - width) / 2,
    y: BARCODE_BOTTOM,
    width,
    height: BARCODE_HEIGHT,
  });
}

function drawNote(page: PDFPage, fonts: Fonts): void {
  page.drawRectangle({
    x: MARGIN,
    y: NOTE_BOTTOM,
    width: INNER,
    height: NOTE_HEIGHT,
    borderColor: BLACK,
    borderWidth: 1,
  });
  const lines = wrap(fonts.bold, HANDLING_NOTE, 8, INNER - 12);
  lines.slice(0, 3).forEach((line, i) => {
    const y = NOTE_BOTTOM + NOTE_HEIGHT - 13 - i * 10;
    page.drawText(line, { x: MARGIN + 6, y, size: 8, font: fonts.bold, color: BLACK });
  });
}

function drawFooter(page: PDFPage, fonts: Fonts, createdAt: Date): void {
  const created = `Created ${createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  page.drawText(created, { x: MARGIN, y: FOOTER_Y, size: 7, font: fonts.regular, color: GREY });
  const brand = 'Longshore';
  const width = fonts.regular.widthOfTextAtSize(brand, 7);
  page.drawText(brand, { x: MARGIN + INNER - width, y: FOOTER_Y, size: 7, font: fonts.regular, color: GREY });
}

/** The text with every character the standard fonts cannot show replaced by '?'. */
function printable(fonts: Fonts, text: string): string {
  return Array.from(text.normalize('NFC'), (char) =>
    fonts.charset.has(char.codePointAt(0) ?? 0) ? char : '?',
  ).join('');
}

/** Shrinks the text down to 70% of `size` to fit `width`, then cuts it with an ellipsis. */
function fit(font: PDFFont, text: string, size: number, width: number): { text: string; size: number } {
  const natural = font.widthOfTextAtSize(text, size);
  if (natural <= width) return { text, size };
  const shrunk = Math.max(size * 0.7, (size * width) / natural);
  if (font.widthOfTextAtSize(text, shrunk) <= width) return { text, size: shrunk };
  let cut = text;
  while (cut.length > 1 && font.widthOfTextAtSize(`${cut}\u2026`, shrunk) > width) cut = cut.slice(0, -1);
  return { text: `${cut.trimEnd()}\u2026`, size: shrunk };
}

/** Greedy word wrap. */
function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
