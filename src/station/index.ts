export type { StationControl, StationJobView } from './port.js';
export {
  inspectDevice,
  MISSING_PARTS,
  type MissingPart,
  type PackageContents,
  type InspectionSettings,
  type DeviceInspection,
} from './inspection.js';
export { receiveDevice, intakeFailure, type IntakeResult } from './intake.js';
export { localStationControl } from './local-control.js';
