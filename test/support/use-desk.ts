/**
 * The usual start of a suite: a real app (PGlite, in process) and the REST desk on it (test/support/desk.ts), started
 * before the suite's tests and closed after them. `useDesk()` is called in a `describe`; its `app` and `desk` are
 * there once the tests run.
 */
import { after, before } from 'node:test';
import { createDesk, type Desk } from './desk.js';
import { startTestApp, type TestApp } from './test-app.js';

export interface DeskSuite {
  readonly app: TestApp;
  readonly desk: Desk;
}

export function useDesk(): DeskSuite {
  let started: DeskSuite | null = null;
  before(async () => {
    const app = await startTestApp();
    started = { app, desk: await createDesk(app.url) };
  });
  after(() => started?.app.closeAll());
  const get = (): DeskSuite => {
    if (started === null) throw new Error('useDesk(): the app is started before the tests, not while the suite is declared');
    return started;
  };
  return {
    get app() {
      return get().app;
    },
    get desk() {
      return get().desk;
    },
  };
}
