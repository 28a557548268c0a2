/**
 * Runs `work` with an AbortSignal that Ctrl-C (SIGINT) or SIGTERM aborts, so long station commands
 * (load, erase) stop cleanly between steps instead of dying mid-write.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(interrupt.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
