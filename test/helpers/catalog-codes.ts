import { expect } from 'vitest';
import { CatalogError } from '../../src/catalog/index.js';

/** The catalog code a promise rejects with (fails the test if it resolves or throws anything else). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CatalogError);
  return (err as CatalogError).code;
}
