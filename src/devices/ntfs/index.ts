export { openNtfsVolume, type NtfsVolumeLocation, type NtfsVolumeOptions } from './ntfs-volume.js';
export { cleanupStaleMounts, mountsDir, type MountRecord } from './mount-registry.js';
export { NTFS_3G_OPTIONS } from './ntfs-mount.js';
