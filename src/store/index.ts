export type * from './records.js';
export type * from './port.js';
export { openStore, type OpenStoreOptions } from './open-store.js';
export { SqlStore } from './sql-store.js';
export { SchemaTooNewError } from './migrations/migrate.js';
