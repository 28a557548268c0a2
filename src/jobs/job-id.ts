import { randomInt } from 'node:crypto';

/** DECISIONS §1: five characters, digits 1-9 and letters without O (no 0/O confusion). */
export const JOB_ID_ALPHABET = '123456789ABCDEFGHIJKLMNPQRSTUVWXYZ';
export const JOB_ID_LENGTH = 5;

const JOB_ID_PATTERN = new RegExp(`^[${JOB_ID_ALPHABET}]{${JOB_ID_LENGTH}}$`);

export function generateJobId(): string {
  let id = '';
  for (let i = 0; i < JOB_ID_LENGTH; i++) id += JOB_ID_ALPHABET[randomInt(JOB_ID_ALPHABET.length)];
  return id;
}

/** Job IDs are case-insensitive on input: the upper-case form, or null when it cannot be one. */
export function normaliseJobId(input: string): string | null {
  const id = input.trim().toUpperCase();
  return JOB_ID_PATTERN.test(id) ? id : null;
}
