export * from './port.js';
export { ChunkPool, fileChunks } from './chunk-pool.js';
export { openBlockSource, sliceBlockSource, deviceGone, type BlockSource } from './block-source.js';
export { faultySource, type BadRange } from './faulty-source.js';
export { detectFileSystem, detectVolume, type Detection } from './detect.js';
export { readPartitionTable, type Partition, type PartitionTable } from './partitions.js';
export { readDeviceLayout, describeVolume, type DeviceLayout, type Volume } from './layout.js';
export {
  openDevice,
  openVolumeReader,
  openMountedReader,
  type BlockDevice,
  type MountedDevice,
  type OpenedDevice,
  type ReaderOptions,
} from './open-device.js';
export { cleanupStaleMounts } from './ntfs/index.js';
