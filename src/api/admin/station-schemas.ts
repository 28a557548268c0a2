import { INSPECTION_FAILURES } from '../../jobs/index.js';

/** JSON schemas of the station routes (same conventions as schemas.ts). */

const NO_OTHER_PROPERTIES = { not: {} } as const;
const station = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' } as const;
const detail = { type: 'string', minLength: 1, maxLength: 4000 } as const;
const count = { type: 'integer', minimum: 0 } as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

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

const checkpoint = {
  type: 'object',
  required: ['logBytes', 'rows', 'files', 'bytes', 'errors'],
  additionalProperties: NO_OTHER_PROPERTIES,
  properties: { logBytes: count, rows: count, files: count, bytes: count, errors: count },
} as const;

const device = {
  type: 'object',
  required: ['path', 'volumeOffset', 'fileSystem', 'warnings'],
  additionalProperties: NO_OTHER_PROPERTIES,
  properties: {
    path: text(4096),
    volumeOffset: { type: ['integer', 'null'], minimum: 0 },
    fileSystem: text(32),
    warnings: { type: 'array', maxItems: 20, items: text(2000) },
  },
} as const;

/** A body with `station` and the given required properties. */
function body(properties: Record<string, unknown>, required: string[] = Object.keys(properties)) {
  return {
    type: 'object',
    required: ['station', ...required],
    additionalProperties: NO_OTHER_PROPERTIES,
    properties: { station, ...properties },
  } as const;
}

const jobResponse = { 200: { type: 'object', properties: { job } } } as const;

export const receive = {
  body: body({}),
  response: { 200: { type: 'object', properties: { job, alreadyReceived: { type: 'boolean' } } } },
} as const;

export const inspectionFailure = {
  body: body({ failure: { type: 'string', enum: [...INSPECTION_FAILURES] }, detail }),
  response: jobResponse,
} as const;

export const signature = {
  body: body({ signature: { type: 'string', maxLength: 65536 }, detail, device }),
  response: {
    200: {
      type: 'object',
      properties: { job, valid: { type: 'boolean' }, reason: { type: ['string', 'null'] } },
    },
  },
} as const;

export const loadStart = {
  body: body({}),
  response: {
    200: {
      type: 'object',
      properties: {
        job,
        manifestText: { type: 'string' },
        device: { type: 'object', properties: device.properties },
        resumed: { type: 'boolean' },
        checkpoint: { anyOf: [{ type: 'null' }, { type: 'object', properties: checkpoint.properties }] },
      },
    },
  },
} as const;

export const loadCheckpoint = {
  body: body({ checkpoint }),
  response: { 200: { type: 'object', properties: { canceled: { type: 'boolean' } } } },
} as const;

export const loadFinish = {
  body: body({
    logBucket: text(255),
    logKey: text(1024),
    figures: {
      type: 'object',
      required: [...checkpoint.required, 'seconds'],
      additionalProperties: NO_OTHER_PROPERTIES,
      properties: { ...checkpoint.properties, seconds: { type: 'number', minimum: 0 } },
    },
    warning: { type: ['string', 'null'], maxLength: 4000 },
  }),
  response: jobResponse,
} as const;

export const returnDevice = {
  body: body({ carrier: text(64), trackingNumber: text(64) }),
  response: jobResponse,
} as const;

export const loadRecord = {
  body: body({}),
  response: {
    200: {
      type: 'object',
      properties: {
        job,
        manifestText: { type: 'string' },
        device: { anyOf: [{ type: 'null' }, { type: 'object', properties: device.properties }] },
        figures: {
          anyOf: [
            { type: 'null' },
            { type: 'object', properties: { ...checkpoint.properties, seconds: { type: 'number' } } },
          ],
        },
        finished: { type: 'boolean' },
      },
    },
  },
} as const;
