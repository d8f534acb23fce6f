/**
 * A real app (in process; startTestApp's store kind, overrides and options) started before a suite's tests and
 * closed after them, for suites that make their own users instead of the desk `useDesk()` makes. Called in a
 * `describe` (or at the top of a file); its `app` is there once the tests run.
 */
import { startTestApp, type TestApp } from './test-app.js';
import { useStarted } from './use-started.js';

export interface AppSuite {
  readonly app: TestApp;
}

export function useApp(...args: Parameters<typeof startTestApp>): AppSuite {
  return useStarted<AppSuite>('useApp()', async (onStop) => {
    const app = await startTestApp(...args);
    onStop(() => app.closeAll());
    return { app };
  });
}
