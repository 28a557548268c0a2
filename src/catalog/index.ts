export { CATALOG, type CodeName } from './catalog.js';
export type { CatalogEntry, Channel, CodeGroup } from './types.js';
export {
  CatalogError,
  entryOf,
  isCodeName,
  renderMessage,
  toCatalogError,
  type MessageParams,
} from './catalog-error.js';
