/**
 * One numbered, forward-only schema change. `up` holds one SQL statement per item, applied in
 * order inside one transaction. A released migration is never edited: change the schema with
 * a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up: readonly string[];
}
