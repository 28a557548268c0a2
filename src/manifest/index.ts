import { buildExport, buildImport } from './build.js';
import { DEFAULT_MAX_BYTES, parseManifestYaml } from './parse-yaml.js';
import type { JobKind, ManifestResult, ValidateOptions } from './types.js';
import { validateFields } from './validate.js';

export type * from './types.js';
export {
  CANNED_ACLS,
  DEVICE_TYPES,
  EXPORT_TYPES,
  FILE_SYSTEMS,
  SERVICE_LEVELS,
  STORAGE_CLASSES,
} from './types.js';
export { canonicalManifestText } from './parse-yaml.js';
export { referencedBuckets } from './regions.js';
export { compileJavaRegex, translateJavaRegex, type JavaRegexResult } from './java-regex.js';
export { countryCode, EU_MEMBERS } from './countries.js';

/**
 * Parses and validates an import or export manifest (manifestVersion 2.0). Never throws.
 * Returns the normalised manifest, or every issue found, in document order. Codes:
 * MalformedManifestException, MissingManifestFieldException, InvalidManifestFieldException,
 * InvalidAddressException, MissingCustomsException, InvalidCustomsException,
 * InvalidFileSystemException, MultipleRegionsException.
 */
export function parseManifest(text: string, jobType: JobKind, options: ValidateOptions = {}): ManifestResult {
  const parsed = parseManifestYaml(text, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if (!parsed.ok) return { ok: false, issues: parsed.issues, warnings: [] };
  const { ctx, values } = validateFields(parsed.parsed, jobType, options);
  if (ctx.issues.length > 0) return { ok: false, issues: ctx.issues, warnings: ctx.warnings };
  const manifest = jobType === 'Import' ? buildImport(values) : buildExport(values);
  return { ok: true, manifest, warnings: ctx.warnings };
}
