/**
 * A full garbage collection of the calling thread's heap, for measurements: only when the process runs with
 * --expose-gc (the bench's servers do), nothing otherwise. Twice, with a turn in between, so that what the first
 * pass's finalizers and weak callbacks let go is collected too. Each thread collects its own heap: the store's worker
 * runs this on request (`PgliteWorkerDb.collectGarbage`).
 */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}
