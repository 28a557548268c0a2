// The per-file import log (DECISIONS §6): CSV rows written as a load goes, resumable after a crash.

export {
  errorCount,
  formatImportLogRow,
  IMPORT_LOG_COLUMNS,
  IMPORT_LOG_HEADER,
  ImportLogFormatError,
  isErrorStatus,
  parseImportLog,
  type ImportLogRow,
} from './rows.js';
export { csvField, csvRecord, scanCsv, CsvSyntaxError, type CsvScan } from './csv.js';
export {
  logStatusOf,
  rowForPlan,
  rowForUnlistedDirectory,
  rowForUpload,
  type RowContext,
  type UploadOutcome,
} from './row-builders.js';
export { ImportLogWriter, type ResumedImportLog } from './writer.js';
export { readCompleteLog, type LogContents } from './log-reader.js';
