/**
 * The one thing the SQL store needs from a database driver: parameterised queries and
 * transactions. PGlite and node-postgres each implement it in a few lines, so the store's SQL
 * is written once.
 */
export interface SqlExecutor {
  /** Runs one statement and returns its rows (empty for statements without RETURNING). */
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws (the
   * error propagates). Called on an executor that is already a transaction, `fn` joins it.
   */
  transaction<R>(fn: (tx: SqlExecutor) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

/** SQLSTATE of a database error, when the driver attached one (both drivers use `code`). */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
