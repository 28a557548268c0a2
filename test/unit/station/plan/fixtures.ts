import type { DeviceEntry } from '../../../../src/devices/port.js';
import { parseManifest, type ImportManifest } from '../../../../src/manifest/index.js';

// Builders shared by the planner tests: a validated import manifest with extra YAML lines, and
// device entries.

const BASE = `manifestVersion: 2.0
bucket: photos
deviceId: WD-1
eraseDevice: yes
returnAddress:
  name: Jane Roe
  street1: 1 Main St
  city: Springfield
  stateOrProvince: OR
  postalCode: 97477
  phoneNumber: 555-0100
  country: USA
`;

/** An import manifest through the real parser, so the planner sees what a job stores. */
export function manifestWith(extra = ''): ImportManifest {
  const result = parseManifest(BASE + extra, 'Import');
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.manifest as ImportManifest;
}

export const MTIME = new Date(Date.UTC(2014, 5, 1, 12, 30, 5, 250));

/** A regular file entry. */
export function file(path: string, extra: Partial<DeviceEntry> = {}): DeviceEntry {
  return { path, type: 'file', size: 13, mtime: MTIME, ...extra };
}
