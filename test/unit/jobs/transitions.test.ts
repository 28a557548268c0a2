import { describe, expect, it } from 'vitest';
import {
  decide,
  INSPECTION_FAILURES,
  isTerminal,
  LOCATIONS,
  PROGRESS_CODES,
  TRANSITIONS,
  type JobEvent,
  type JobState,
} from '../../../src/jobs/index.js';

// The DECISIONS §2 lifecycle written out a second time, rule by rule, as the oracle for the table.
function expected(event: JobEvent, s: JobState): { to: Partial<JobState> } | { code: string } {
  const terminal = s.location === 'Returned' || !['Pending', 'InProgress'].includes(s.progress);
  const customerRefusal = s.canceled
    ? 'CanceledJobIdException'
    : s.progress === 'Expired'
      ? 'ExpiredJobIdException'
      : null;
  const pendingHere = (loc: string) => s.location === loc && s.progress === 'Pending' && !s.canceled;
  switch (event) {
    case 'update':
      if (customerRefusal) return { code: customerRefusal };
      return s.progress === 'Pending' && s.location !== 'Returned'
        ? { to: {} }
        : { code: 'UnableToUpdateJobIdException' };
    case 'cancel':
      if (customerRefusal) return { code: customerRefusal };
      return terminal ? { code: 'UnableToCancelJobIdException' } : { to: { canceled: true } };
    case 'expire':
      return pendingHere('NotReceived') ? { to: { progress: 'Expired' } } : { code: 'InvalidJobState' };
    case 'receive':
      if (customerRefusal) return { code: customerRefusal };
      return pendingHere('NotReceived') ? { to: { location: 'AtAWS' } } : { code: 'InvalidJobState' };
    case 'inspection-pass':
    case 'inspection-fail':
      if (s.canceled) return { code: 'CanceledJobIdException' };
      return pendingHere('AtAWS') ? { to: {} } : { code: 'InvalidJobState' };
    case 'load-start':
      if (s.canceled) return { code: 'CanceledJobIdException' };
      return pendingHere('AtAWS') ? { to: { progress: 'InProgress' } } : { code: 'InvalidJobState' };
    case 'load-end':
      return s.location === 'AtAWS' && s.progress === 'InProgress' ? { to: {} } : { code: 'InvalidJobState' };
    case 'return':
      return s.location === 'AtAWS' ? { to: { location: 'Returned' } } : { code: 'InvalidJobState' };
  }
}

const states: JobState[] = LOCATIONS.flatMap((location) =>
  PROGRESS_CODES.flatMap((progress) => [false, true].map((canceled) => ({ location, progress, canceled }))),
);
const events = Object.keys(TRANSITIONS) as JobEvent[];
const pairs = states.flatMap((state) => events.map((event) => ({ event, state })));

describe('job state machine (DECISIONS §2)', () => {
  it('covers every state: 3 locations x 12 progress codes x canceled flag', () => {
    expect(states).toHaveLength(72);
    expect(PROGRESS_CODES).toHaveLength(12);
    expect(INSPECTION_FAILURES).toHaveLength(7);
  });

  it.each(pairs)(
    '$event from $state.location/$state.progress canceled=$state.canceled',
    ({ event, state }) => {
      const decision = decide(event, state);
      const want = expected(event, state);
      if ('code' in want) {
        expect(decision).toEqual({ allowed: false, code: want.code });
      } else {
        expect(decision.allowed).toBe(true);
        if (decision.allowed) expect(decision.to).toEqual(want.to);
      }
    },
  );

  it('treats loaded, expired, aborted and returned jobs as terminal', () => {
    expect(isTerminal({ location: 'AtAWS', progress: 'Success', canceled: false })).toBe(true);
    expect(isTerminal({ location: 'NotReceived', progress: 'Expired', canceled: false })).toBe(true);
    expect(isTerminal({ location: 'AtAWS', progress: 'DeviceError', canceled: false })).toBe(true);
    expect(isTerminal({ location: 'Returned', progress: 'Pending', canceled: false })).toBe(true);
    expect(isTerminal({ location: 'AtAWS', progress: 'InProgress', canceled: false })).toBe(false);
  });
});
