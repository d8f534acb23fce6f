/**
 * The Realtime harness alone (test/support/realtime-harness.ts; startHarness's store kind and overrides), started
 * before a suite's tests and closed after them, for suites that write their fixtures with `h.desk` rather than
 * through the REST desk `useRealtimeDesk()` makes. Called in a `describe` (or at the top of a file); its `h` is there
 * once the tests run.
 */
import { startHarness, type Harness } from './realtime-harness.js';
import { useStarted } from './use-started.js';

export interface HarnessSuite {
  readonly h: Harness;
}

export function useHarness(...args: Parameters<typeof startHarness>): HarnessSuite {
  return useStarted<HarnessSuite>('useHarness()', async (onStop) => {
    const h = await startHarness(...args);
    onStop(() => h.close());
    return { h };
  });
}
