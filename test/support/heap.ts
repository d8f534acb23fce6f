import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// The test runner does not pass --expose-gc; the flag can still be set at run time, and a new context then has `gc`.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** This process's memory right after a full collection: what is still held, not what is waiting to be freed. */
export function heapAfterGc(): { heapUsed: number; rss: number } {
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}
