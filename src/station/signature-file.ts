import { SIGNATURE_FILE_NAME } from '../jobs/index.js';
import type { DeviceReader } from '../devices/index.js';

/** More than any SIGNATURE file holds (four short lines): larger files are not signature files. */
const MAX_SIGNATURE_BYTES = 64 * 1024;

/**
 * The text of the root's SIGNATURE file (DECISIONS §3, §9: exact name on ext, any case on FAT
 * and NTFS), or null when there is none. Only its first 64 KiB are read. Read errors are thrown
 * (DeviceReadError).
 */
export async function readSignatureText(
  reader: DeviceReader,
  caseInsensitive: boolean,
): Promise<string | null> {
  const entry = await reader.findRootFile(SIGNATURE_FILE_NAME, { caseInsensitive });
  if (!entry || entry.type !== 'file') return null;
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = reader.openFile(entry);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= MAX_SIGNATURE_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, MAX_SIGNATURE_BYTES).toString('utf8');
}
