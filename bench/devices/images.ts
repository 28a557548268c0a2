/**
 * One image file per file system and tree, made with the usual tools: FAT32 (mkfs.vfat + mcopy),
 * ext2 and ext3 (mke2fs -d), NTFS (mkntfs, then files copied in through an ntfs-3g mount).
 * Images are reused when their stamp names the same tree digest.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onPath, runCommand, spawnCommand } from './shell.js';
import type { TreeManifest } from './trees.js';

/** The file systems an image is made of. */
export const IMAGE_KINDS = ['fat32', 'ext2', 'ext3', 'ntfs'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

/** An image ready to read, or why there is none. */
export type BuiltImage =
  | { readonly kind: ImageKind; readonly path: string; readonly bytes: number; readonly reused: boolean }
  | { readonly kind: ImageKind; readonly skipped: string };

const MIB = 1 << 20;
/** FAT32 needs at least 65,525 clusters: 256 MiB of 4 KiB clusters plus the FATs. */
const MIN_IMAGE_MIB = 320;
const LABEL = 'BENCH';

/** Room for the tree: its bytes rounded up to 4 KiB blocks, plus a tenth, plus metadata. */
export function imageMiB(manifest: TreeManifest): number {
  const blocks = manifest.bytes + manifest.files * 4096;
  return Math.max(MIN_IMAGE_MIB, Math.ceil((blocks * 1.1) / MIB) + 96);
}

async function createSparse(path: string, mib: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.truncate(mib * MIB);
  } finally {
    await handle.close();
  }
}

/** FAT32 with 4 KiB clusters (Windows' default up to 16 GiB); mcopy keeps mtimes (as UTC here). */
async function makeFat32(tree: TreeManifest, path: string, mib: number): Promise<void> {
  await createSparse(path, mib);
  await runCommand('mkfs.vfat', ['-F', '32', '-s', '8', '-n', LABEL, path]);
  const top = (await readdir(tree.dir)).sort().map((name) => join(tree.dir, name));
  const env = { MTOOLS_SKIP_CHECK: '1', TZ: 'UTC', LC_ALL: 'C.UTF-8' };
  await runCommand('mcopy', ['-s', '-m', '-Q', '-i', path, ...top, '::/'], env);
}

/** ext2 / ext3 with 4 KiB blocks (mke2fs's default from 512 MiB up), filled by `mke2fs -d`. */
async function makeExt(kind: 'ext2' | 'ext3', tree: TreeManifest, path: string, mib: number): Promise<void> {
  await runCommand('mke2fs', [
    '-q',
    '-t',
    kind,
    '-b',
    '4096',
    '-L',
    LABEL,
    '-d',
    tree.dir,
    '-F',
    path,
    `${mib}M`,
  ]);
}

/** NTFS: mkntfs, then `cp -r` through a read-write ntfs-3g mount, unmounted whatever happens. */
async function makeNtfs(tree: TreeManifest, path: string, mib: number, mountPoint: string): Promise<void> {
  await createSparse(path, mib);
  await runCommand('mkntfs', ['-q', '-F', '-f', '-L', LABEL, path]);
  await mkdir(mountPoint, { recursive: true });
  await spawnCommand('umount', [mountPoint]); // left mounted by an interrupted run, if any
  await runCommand('ntfs-3g', [path, mountPoint]);
  try {
    await runCommand('cp', ['-r', '--preserve=timestamps', `${tree.dir}/.`, `${mountPoint}/`]);
  } finally {
    await runCommand('umount', [mountPoint]);
  }
}

/** Why NTFS images cannot be made here, or null when they can. */
export async function ntfsUnavailable(): Promise<string | null> {
  if (!existsSync('/dev/fuse')) return 'no /dev/fuse: NTFS images need an ntfs-3g mount';
  for (const tool of ['mkntfs', 'ntfs-3g']) if (!(await onPath(tool))) return `${tool} is not installed`;
  return null;
}

/**
 * The `kind` image of `tree` in `workDir/images`: reused when its stamp holds the tree's digest,
 * else built (into a temporary name, renamed once complete). NTFS is skipped, with the reason,
 * when /dev/fuse or ntfs-3g is missing. Errors: the tool's exit status and stderr.
 */
export async function buildImage(workDir: string, tree: TreeManifest, kind: ImageKind): Promise<BuiltImage> {
  if (kind === 'ntfs') {
    const reason = await ntfsUnavailable();
    if (reason) return { kind, skipped: reason };
  }
  const dir = join(workDir, 'images');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${tree.params.name}-${kind}.img`);
  const stampPath = `${path}.json`;
  const mib = imageMiB(tree);
  const stamp = JSON.stringify({ digest: tree.digest, mib });
  if (existsSync(path) && existsSync(stampPath) && (await readFile(stampPath, 'utf8')) === stamp) {
    return { kind, path, bytes: mib * MIB, reused: true };
  }
  await rm(stampPath, { force: true });
  const building = `${path}.building`;
  await rm(building, { force: true });
  if (kind === 'fat32') await makeFat32(tree, building, mib);
  else if (kind === 'ntfs') await makeNtfs(tree, building, mib, join(workDir, 'ntfs-build-mount'));
  else await makeExt(kind, tree, building, mib);
  await rename(building, path);
  await writeFile(stampPath, stamp);
  return { kind, path, bytes: mib * MIB, reused: false };
}
