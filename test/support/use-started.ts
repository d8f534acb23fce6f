/**
 * What the `use…()` suite helpers share: something started before a suite's tests and stopped after them. `start`
 * registers its stop as soon as there is something to stop, so a start that fails half-way still closes what it
 * opened. The returned object reads its properties from what `start` returned, once the tests run (the suite is
 * declared before anything starts, so it cannot hold the values themselves).
 *
 * Inside a `describe`, the suite's own `before` hooks declared after the helper run after its start and may use what
 * it started. At a file's top level Node 20 does not wait for one `before` hook before starting the next: a file that
 * needs its own setup on top of the started app declares both in a `describe`.
 */
import { after, before } from 'node:test';

export function useStarted<T extends object>(name: string, start: (onStop: (stop: () => unknown) => void) => Promise<T>): T {
  let started: T | null = null;
  let stop: (() => unknown) | null = null;
  before(async () => {
    started = await start((s) => (stop = s));
  });
  after(() => stop?.());
  return new Proxy({} as T, {
    get(_target, key) {
      if (started === null) throw new Error(`${name}: started before the tests, not while the suite is declared`);
      return Reflect.get(started, key);
    },
  });
}
