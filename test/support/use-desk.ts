/**
 * The usual start of a suite: a real app (in process, on the store kind asked for, PGlite by default) and the REST
 * desk on it (test/support/desk.ts), started before the suite's tests and closed after them. `useDesk()` is called in
 * a `describe`; its `app` and `desk` are there once the tests run. A suite's own `before` hooks, declared after it,
 * run after it and may use them.
 */
import { createDesk, type Desk } from './desk.js';
import { startTestApp, type TestApp } from './test-app.js';
import { useStarted } from './use-started.js';

type StartArgs = Parameters<typeof startTestApp>;

export interface DeskSuite {
  readonly app: TestApp;
  readonly desk: Desk;
}

/** The arguments are startTestApp's: the store kind, config overrides, and app options. */
export function useDesk(...args: StartArgs): DeskSuite {
  return useStarted<DeskSuite>('useDesk()', async (onStop) => {
    const app = await startTestApp(...args);
    onStop(() => app.closeAll());
    return { app, desk: await createDesk(app.url) };
  });
}
