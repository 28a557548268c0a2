import type { JobStateGuard } from './port.js';

/** Collects positional parameters while a statement is assembled; add() returns `$n`. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The WHERE conditions of a job state guard; an omitted field adds none. */
export function guardConditions(guard: JobStateGuard, params: SqlParams): string[] {
  const conditions: string[] = [];
  if (guard.location !== undefined) conditions.push(`location = ANY(${params.add([...guard.location])})`);
  if (guard.progress !== undefined) conditions.push(`progress = ANY(${params.add([...guard.progress])})`);
  if (guard.canceled !== undefined) conditions.push(`canceled = ${params.add(guard.canceled)}`);
  return conditions;
}
