/**
 * The usual start of a Realtime suite: the harness (an app with a recording gateway, test/support/realtime-harness.ts)
 * and the desk made on it (test/support/realtime-world.ts), started before the suite's tests and closed after them.
 * Called in a `describe`; its `h` and `d` are there once the tests run. A suite's own `before` hooks, declared after
 * it, run after it and may use them.
 */
import { after, before } from 'node:test';
import { startHarness, type Harness } from './realtime-harness.js';
import { makeDesk, type Desk } from './realtime-world.js';

export interface RealtimeDeskSuite {
  readonly h: Harness;
  readonly d: Desk;
}

/** The arguments are startHarness's: the store kind and config overrides. */
export function useRealtimeDesk(...args: Parameters<typeof startHarness>): RealtimeDeskSuite {
  let h: Harness | null = null;
  let d: Desk | null = null;
  before(async () => {
    h = await startHarness(...args);
    d = await makeDesk(h);
  });
  // The harness is closed even when the desk could not be made.
  after(() => h?.close());
  const get = (): RealtimeDeskSuite => {
    if (h === null || d === null) throw new Error('useRealtimeDesk(): the harness is started before the tests, not while the suite is declared');
    return { h, d };
  };
  return {
    get h() {
      return get().h;
    },
    get d() {
      return get().d;
    },
  };
}
