export type * from './records.js';
export type * from './port.js';
