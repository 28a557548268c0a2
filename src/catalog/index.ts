export { CATALOG, type CodeName } from './catalog.js';
export type { CatalogEntry, Channel, CodeGroup } from './types.js';
export {
  CatalogError,
  entryOf,
  isCodeName,
  renderMessage,
  toCatalogError,
  invalidParameter,
  missingParameter,
  type MessageParams,
} from './catalog-error.js';
export { apiCodeFor, emailCodeFor } from './cross-links.js';
export {
  catalogRows,
  renderCodesJson,
  renderCodesMarkdown,
  renderCodesText,
  type CatalogRow,
} from './render.js';
