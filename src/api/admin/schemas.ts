/**
 * JSON schemas of the admin API. Unknown properties are refused with `additionalProperties: {not: {}}`
 * rather than `false`, because fastify's default Ajv options silently strip properties under `false`
 * and a mistyped field (`signed_up`) must not be ignored.
 */

const NO_OTHER_PROPERTIES = { not: {} } as const;

const accessKeyId = { type: 'string', pattern: '^[A-Z0-9]{20}$' } as const;
const emails = {
  type: 'array',
  minItems: 1,
  maxItems: 50,
  items: { type: 'string', minLength: 1, maxLength: 254 },
} as const;
const name = { type: 'string', minLength: 1, maxLength: 256 } as const;
const bucketName = { type: 'string', minLength: 1, maxLength: 255 } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;

const account = {
  type: 'object',
  required: ['accessKeyId', 'name', 'emails', 'signedUp', 'problem', 'createdAt'],
  properties: {
    accessKeyId: { type: 'string' },
    name: { type: 'string' },
    emails: { type: 'array', items: { type: 'string' } },
    signedUp: { type: 'boolean' },
    problem: { type: 'boolean' },
    createdAt: timestamp,
  },
} as const;

const bucket = {
  type: 'object',
  required: ['name', 'owner', 'region', 'grants', 'createdAt'],
  properties: {
    name: { type: 'string' },
    owner: { type: 'string' },
    region: { type: 'string' },
    grants: { type: 'array', items: { type: 'string' } },
    createdAt: timestamp,
  },
} as const;

// Response schemas also keep anything not listed (a secret ciphertext, say) out of the response.
export const createAccountSchema = {
  body: {
    type: 'object',
    required: ['emails'],
    additionalProperties: NO_OTHER_PROPERTIES,
    properties: { emails, name, signedUp: { type: 'boolean' } },
  },
  response: {
    201: {
      type: 'object',
      properties: { account, accessKeyId: { type: 'string' }, secretAccessKey: { type: 'string' } },
    },
  },
} as const;

export const updateAccountSchema = {
  params: { type: 'object', required: ['accessKeyId'], properties: { accessKeyId } },
  body: {
    type: 'object',
    additionalProperties: NO_OTHER_PROPERTIES,
    properties: { name, emails, signedUp: { type: 'boolean' }, problem: { type: 'boolean' } },
  },
  response: { 200: { type: 'object', properties: { account } } },
} as const;

export const listAccountsSchema = {
  response: { 200: { type: 'object', properties: { accounts: { type: 'array', items: account } } } },
} as const;

export const createBucketSchema = {
  body: {
    type: 'object',
    required: ['name', 'owner'],
    additionalProperties: NO_OTHER_PROPERTIES,
    properties: { name: bucketName, owner: accessKeyId },
  },
  response: { 201: { type: 'object', properties: { bucket } } },
} as const;

export const grantBucketSchema = {
  params: { type: 'object', required: ['name'], properties: { name: bucketName } },
  body: {
    type: 'object',
    required: ['accessKeyId'],
    additionalProperties: NO_OTHER_PROPERTIES,
    properties: { accessKeyId },
  },
  response: { 200: { type: 'object', properties: { bucket } } },
} as const;

export const listBucketsSchema = {
  response: { 200: { type: 'object', properties: { buckets: { type: 'array', items: bucket } } } },
} as const;

const nullableString = { type: ['string', 'null'] } as const;

const jobView = {
  type: 'object',
  required: [
    'jobId',
    'owner',
    'jobType',
    'locationCode',
    'locationMessage',
    'progressCode',
    'progressMessage',
    'isCanceled',
    'carrier',
    'trackingNumber',
    'logBucket',
    'logKey',
    'errorCount',
    'signature',
    'signatureFileContents',
    'currentManifest',
    'creationDate',
    'artifactList',
  ],
  properties: {
    jobId: { type: 'string' },
    owner: { type: 'string' },
    jobType: { type: 'string' },
    locationCode: { type: 'string' },
    locationMessage: { type: 'string' },
    progressCode: { type: 'string' },
    progressMessage: { type: 'string' },
    isCanceled: { type: 'boolean' },
    carrier: nullableString,
    trackingNumber: nullableString,
    logBucket: nullableString,
    logKey: nullableString,
    errorCount: { type: 'integer' },
    signature: { type: 'string' },
    signatureFileContents: { type: 'string' },
    currentManifest: { type: 'string' },
    creationDate: timestamp,
    artifactList: {
      type: 'array',
      items: {
        type: 'object',
        required: ['description', 'url'],
        properties: { description: { type: 'string' }, url: { type: 'string' } },
      },
    },
  },
} as const;

const jobEvent = {
  type: 'object',
  required: ['seq', 'at', 'event', 'location', 'progress', 'canceled', 'actor', 'detail'],
  properties: {
    seq: { type: 'integer' },
    at: timestamp,
    event: { type: 'string' },
    location: { type: 'string' },
    progress: { type: 'string' },
    canceled: { type: 'boolean' },
    actor: { type: 'string' },
    detail: nullableString,
  },
} as const;

// No pattern on :jobId: a malformed ID is InvalidJobIdException (from the jobs service), as on the API.
export const showJobSchema = {
  params: { type: 'object', required: ['jobId'], properties: { jobId: { type: 'string' } } },
  response: {
    200: {
      type: 'object',
      properties: { job: jobView, history: { type: 'array', items: jobEvent } },
    },
  },
} as const;
