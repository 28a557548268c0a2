export type * from './port.js';
export {
  inspectDevice,
  MISSING_PARTS,
  type MissingPart,
  type PackageContents,
  type InspectionSettings,
  type DeviceInspection,
} from './inspection.js';
export { receiveDevice, intakeFailure, type IntakeResult } from './intake.js';
export { localStationControl, stationJobView, type StationServices } from './local-control.js';
