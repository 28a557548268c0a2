import { describe, expect, it } from 'vitest';
import { CorruptDirectoryError, parseDirectory } from '../../../../src/devices/ext2fs/ext-dirents.js';

/** One ext2 dirent: inode, rec_len, name_len, file_type, name, padding to rec_len. */
function dirent(inode: number, name: string | Buffer, recordLength: number): Buffer {
  const bytes = typeof name === 'string' ? Buffer.from(name) : name;
  const out = Buffer.alloc(recordLength);
  out.writeUInt32LE(inode, 0);
  out.writeUInt16LE(recordLength === 65536 ? 65535 : recordLength, 4);
  out[6] = bytes.length;
  out[7] = 1;
  bytes.copy(out, 8);
  return out;
}

const names = (list: Buffer[]) => list.map((b) => b.toString('latin1'));

describe('parseDirectory', () => {
  it('lists live entries of every block, without ., .. and unused entries', () => {
    const block1 = Buffer.concat([
      dirent(2, '.', 12),
      dirent(2, '..', 12),
      dirent(0, 'gone', 16),
      dirent(12, 'a', 1024 - 40),
    ]);
    const block2 = Buffer.concat([dirent(13, Buffer.from([0x62, 0xff]), 12), dirent(14, '..x', 1024 - 12)]);
    expect(
      names(parseDirectory(Buffer.concat([block1, block2]), { kind: 'blocks', blockSize: 1024 })),
    ).toEqual(['a', 'b\xff', '..x']);
  });

  it('skips an htree index block, which looks like one unused entry', () => {
    const root = Buffer.concat([dirent(2, '.', 12), dirent(2, '..', 1024 - 12)]);
    const index = dirent(0, '', 1024);
    const leaf = dirent(20, 'leaf', 1024);
    expect(
      names(parseDirectory(Buffer.concat([root, index, leaf]), { kind: 'blocks', blockSize: 1024 })),
    ).toEqual(['leaf']);
  });

  it('decodes the rec_len of a 64 KiB block', () => {
    const block = dirent(11, 'only', 65536);
    expect(names(parseDirectory(block, { kind: 'blocks', blockSize: 65536 }))).toEqual(['only']);
  });

  it('reads an inline directory: parent inode first, then entries', () => {
    const parent = Buffer.alloc(4);
    parent.writeUInt32LE(2);
    const inline = Buffer.concat([parent, dirent(12, 'x.txt', 16), dirent(13, 'y', 40)]);
    expect(names(parseDirectory(inline, { kind: 'inline' }))).toEqual(['x.txt', 'y']);
  });

  it('refuses entries whose lengths do not fit (EUCLEAN)', () => {
    const tooLong = dirent(12, 'a', 12);
    tooLong.writeUInt16LE(2048, 4);
    const nameTooLong = dirent(12, 'abc', 1024);
    nameTooLong[6] = 250;
    nameTooLong.writeUInt16LE(12, 4);
    for (const bad of [tooLong, Buffer.alloc(1024, 0xff), Buffer.alloc(4), nameTooLong]) {
      expect(() => parseDirectory(bad, { kind: 'blocks', blockSize: 1024 })).toThrow(CorruptDirectoryError);
    }
    expect(new CorruptDirectoryError('x').code).toBe('EUCLEAN');
  });
});
