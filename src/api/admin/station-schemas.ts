import { INSPECTION_FAILURES } from '../../jobs/index.js';

/** JSON schemas of the station routes (same conventions as schemas.ts). */

const NO_OTHER_PROPERTIES = { not: {} } as const;
const station = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' } as const;
const detail = { type: 'string', minLength: 1, maxLength: 4000 } as const;

const job = {
  type: 'object',
  required: ['jobId', 'locationCode', 'locationMessage', 'progressCode', 'progressMessage', 'isCanceled'],
  properties: {
    jobId: { type: 'string' },
    locationCode: { type: 'string' },
    locationMessage: { type: 'string' },
    progressCode: { type: 'string' },
    progressMessage: { type: 'string' },
    isCanceled: { type: 'boolean' },
  },
} as const;

export const stationReceiveSchema = {
  body: {
    type: 'object',
    required: ['station'],
    additionalProperties: NO_OTHER_PROPERTIES,
    properties: { station },
  },
  response: { 200: { type: 'object', properties: { job, alreadyReceived: { type: 'boolean' } } } },
} as const;

export const stationInspectionFailureSchema = {
  body: {
    type: 'object',
    required: ['station', 'failure', 'detail'],
    additionalProperties: NO_OTHER_PROPERTIES,
    properties: { station, failure: { type: 'string', enum: [...INSPECTION_FAILURES] }, detail },
  },
  response: { 200: { type: 'object', properties: { job } } },
} as const;

export const stationSignatureSchema = {
  body: {
    type: 'object',
    required: ['station', 'signature', 'detail'],
    additionalProperties: NO_OTHER_PROPERTIES,
    properties: { station, signature: { type: 'string', maxLength: 65536 }, detail },
  },
  response: {
    200: {
      type: 'object',
      properties: { job, valid: { type: 'boolean' }, reason: { type: ['string', 'null'] } },
    },
  },
} as const;
