/** Environment variables as the config resolver reads them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The process environment: the only place in Longshore that reads `process.env`. */
export function processEnvironment(): Environment {
  return process.env;
}
