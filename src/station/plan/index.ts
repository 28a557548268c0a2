// Planning each file of a load: its object key and headers from the import manifest, or why it is
// skipped (103 Ignored) or fails (a 400/508 import-log row).

export { createKeyPlanner } from './planner.js';
export type {
  KeyPlanner,
  KeyPlannerOptions,
  PlanFailureCode,
  PlannedFailure,
  PlannedFile,
  PlannedSkip,
  PlannedUpload,
} from './types.js';
export { headersForContent, diskTimestamp, metadataBytes } from './headers.js';
export { contentTypeFor, innerContentTypeFor, isGzipMagic, type ContentTypeRules } from './content-type.js';
export { BUILT_IN_CONTENT_TYPES } from './content-type-table.js';
export { objectKeyFor, Substituter, type KeyResult } from './object-key.js';
export { IgnoreMatcher, type IgnoreMatch } from './ignore-matcher.js';
