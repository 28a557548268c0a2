export type * from './types.js';
export {
  StoreShippingLabels,
  MAX_LABEL_JOBS,
  splitJobIds,
  type StoreShippingLabelsOptions,
} from './label-service.js';
export { registerLabelRoutes, type LabelRoutesDeps, type LabelErrorResponse } from './routes.js';
export { renderLabelPdf, HANDLING_NOTE } from './label-pdf.js';
export {
  DEFAULT_LABEL_URL_TTL_SECONDS,
  LABELS_PATH,
  checkLabelLink,
  deriveLabelUrlKey,
  signedLabelUrl,
  type LabelLink,
} from './label-url.js';
export { LABEL_ADDRESS_FIELDS, addressProblems, checkLabelAddress } from './label-address.js';
