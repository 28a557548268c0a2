export { openDirectoryVolume, type DirectoryVolumeOptions } from './directory-volume.js';
export {
  mountedFileSystemOf,
  fileSystemOfMount,
  mountContaining,
  parseMountInfo,
  readMountTable,
  unescapeMountField,
  type MountInfo,
  type MountedFileSystem,
} from './mount-info.js';
export { openNoAtime, PositionalFileStream } from './file-stream.js';
