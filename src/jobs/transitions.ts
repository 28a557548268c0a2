import type { CodeName } from '../catalog/index.js';
import type { JobStateGuard, LocationCode, ProgressCode } from '../store/index.js';

/** A job's state on the three axes DECISIONS §2 uses. */
export interface JobState {
  location: LocationCode;
  progress: ProgressCode;
  canceled: boolean;
}

export type JobEvent =
  | 'update'
  | 'cancel'
  | 'expire'
  | 'receive'
  | 'inspection-pass'
  | 'inspection-fail'
  | 'load-start'
  | 'load-end'
  | 'return';

export const LOCATIONS: readonly LocationCode[] = ['NotReceived', 'AtAWS', 'Returned'];

/** Inspection outcomes that abort a job (DECISIONS §2, in inspection order). */
export const INSPECTION_FAILURES = [
  'MissingDevice',
  'UnsupportedDeviceType',
  'UnsupportedPowerSupply',
  'DeviceError',
  'UnsupportedFileFormat',
  'MissingSignature',
  'InvalidSignature',
] as const satisfies readonly ProgressCode[];
export type InspectionFailure = (typeof INSPECTION_FAILURES)[number];

export const PROGRESS_CODES: readonly ProgressCode[] = [
  'Pending',
  'InProgress',
  'Success',
  'SuccessWithErrors',
  'Expired',
  ...INSPECTION_FAILURES,
];

/** Where a job ends: loaded, expired, aborted at inspection, or its device sent back. */
export function isTerminal(state: JobState): boolean {
  return state.location === 'Returned' || !['Pending', 'InProgress'].includes(state.progress);
}

interface TransitionRule {
  /** The states the event is allowed from; also the store's guard for the update. */
  from: Required<Pick<JobStateGuard, 'location' | 'progress'>> & { canceled?: boolean };
  /** The state after the event; `progress` for inspection-fail and load-end comes from the caller. */
  to: Partial<JobState>;
  /** The code for a refused event, checked in order; the first match wins. */
  refusals: ReadonlyArray<readonly [(s: JobState) => boolean, CodeName]>;
}

const isCanceled = (s: JobState): boolean => s.canceled;
const isExpired = (s: JobState): boolean => s.progress === 'Expired';
const always = (): boolean => true;
const customerRefusals = [
  [isCanceled, 'CanceledJobIdException'],
  [isExpired, 'ExpiredJobIdException'],
] as const;

/** DECISIONS §2 as a table: event -> allowed states, next state, and why it is refused. */
export const TRANSITIONS: Readonly<Record<JobEvent, TransitionRule>> = {
  update: {
    from: { location: ['NotReceived', 'AtAWS'], progress: ['Pending'], canceled: false },
    to: {},
    refusals: [...customerRefusals, [always, 'UnableToUpdateJobIdException']],
  },
  cancel: {
    from: { location: ['NotReceived', 'AtAWS'], progress: ['Pending', 'InProgress'], canceled: false },
    to: { canceled: true },
    refusals: [...customerRefusals, [always, 'UnableToCancelJobIdException']],
  },
  expire: {
    from: { location: ['NotReceived'], progress: ['Pending'], canceled: false },
    to: { progress: 'Expired' },
    refusals: [[always, 'InvalidJobState']],
  },
  receive: {
    from: { location: ['NotReceived'], progress: ['Pending'], canceled: false },
    to: { location: 'AtAWS' },
    refusals: [...customerRefusals, [always, 'InvalidJobState']],
  },
  'inspection-pass': {
    from: { location: ['AtAWS'], progress: ['Pending'], canceled: false },
    to: {},
    refusals: [
      [isCanceled, 'CanceledJobIdException'],
      [always, 'InvalidJobState'],
    ],
  },
  'inspection-fail': {
    from: { location: ['AtAWS'], progress: ['Pending'], canceled: false },
    to: {},
    refusals: [
      [isCanceled, 'CanceledJobIdException'],
      [always, 'InvalidJobState'],
    ],
  },
  'load-start': {
    from: { location: ['AtAWS'], progress: ['Pending'], canceled: false },
    to: { progress: 'InProgress' },
    refusals: [
      [isCanceled, 'CanceledJobIdException'],
      [always, 'InvalidJobState'],
    ],
  },
  // A canceled load still ends cleanly: its log covers what was done (DECISIONS §2).
  'load-end': {
    from: { location: ['AtAWS'], progress: ['InProgress'] },
    to: {},
    refusals: [[always, 'InvalidJobState']],
  },
  return: {
    from: { location: ['AtAWS'], progress: PROGRESS_CODES },
    to: { location: 'Returned' },
    refusals: [[always, 'InvalidJobState']],
  },
};

export type Decision =
  { allowed: true; guard: JobStateGuard; to: Partial<JobState> } | { allowed: false; code: CodeName };

/** Whether `event` may happen in `state`: the guard and next state, or the refusal's catalog code. */
export function decide(event: JobEvent, state: JobState): Decision {
  const rule = TRANSITIONS[event];
  const { from } = rule;
  const allowed =
    from.location.includes(state.location) &&
    from.progress.includes(state.progress) &&
    (from.canceled === undefined || from.canceled === state.canceled);
  if (allowed) return { allowed: true, guard: from, to: rule.to };
  const refusal = rule.refusals.find(([applies]) => applies(state));
  return { allowed: false, code: refusal ? refusal[1] : 'InvalidJobState' };
}
