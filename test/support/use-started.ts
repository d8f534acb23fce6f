/**
 * What the `use…()` suite helpers share: something started before a suite's tests and stopped after them. `start`
 * registers its stop as soon as there is something to stop, so a start that fails half-way still closes what it
 * opened. The returned object reads its properties from what `start` returned, once the tests run (the suite is
 * declared before anything starts, so it cannot hold the values themselves).
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
