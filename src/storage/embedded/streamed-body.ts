import { createHash } from 'node:crypto';
import { storageError } from '../errors.js';
import type { StreamPutInput } from '../port.js';
import { TempFile } from './durable-files.js';

// The embedded store's side of a streamed PUT (ObjectStore.putObjectStream): the bytes go to a
// temporary file as they come, hashed on the way; the store then commits that file as it commits
// a PutObject's.

/**
 * A streamed body in a temporary file in `dir`, with its MD5; the file is removed when the body
 * fails or gives other than `input.size` bytes (IncompleteBody).
 */
export async function receiveStream(
  dir: string,
  input: StreamPutInput,
): Promise<{ temp: TempFile; md5Hex: string }> {
  const temp = await TempFile.create(dir);
  let writing: Promise<void> = Promise.resolve();
  try {
    const hash = createHash('md5');
    let size = 0;
    for await (const chunk of input.body) {
      size += chunk.length;
      if (size > input.size) break;
      hash.update(chunk);
      await writing; // one write in flight while the next chunk is read and hashed
      writing = temp.append(chunk).then(() => input.sent?.(chunk));
      writing.catch(() => undefined); // its failure is met at the next await, not an unhandled rejection
    }
    await writing;
    if (size !== input.size)
      throw storageError('IncompleteBody', 400, {
        reason: `${size} bytes came, ${input.size} were declared`,
      });
    return { temp, md5Hex: hash.digest('hex') };
  } catch (error) {
    await writing.catch(() => undefined);
    await temp.discard();
    throw error;
  }
}
