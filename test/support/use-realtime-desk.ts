/**
 * The usual start of a Realtime suite: the harness (an app with a recording gateway, test/support/realtime-harness.ts)
 * and the desk made on it (test/support/realtime-world.ts), started before the suite's tests and closed after them.
 * Called in a `describe`; its `h` and `d` are there once the tests run. A suite's own `before` hooks, declared after
 * it, run after it and may use them.
 */
import { startHarness, type Harness } from './realtime-harness.js';
import { makeDesk, type Desk } from './realtime-world.js';
import { useStarted } from './use-started.js';

export interface RealtimeDeskSuite {
  readonly h: Harness;
  readonly d: Desk;
}

/** The arguments are startHarness's: the store kind and config overrides. */
export function useRealtimeDesk(...args: Parameters<typeof startHarness>): RealtimeDeskSuite {
  return useStarted<RealtimeDeskSuite>('useRealtimeDesk()', async (onStop) => {
    const h = await startHarness(...args);
    onStop(() => h.close());
    return { h, d: await makeDesk(h) };
  });
}
