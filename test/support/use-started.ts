/**
 * What the `use…()` suite helpers share: something started before a suite's tests and stopped after them, read
 * through the returned function once the tests run. `start` registers its stop as soon as there is something to stop,
 * so a start that fails half-way still closes what it opened.
 */
import { after, before } from 'node:test';

export function useStarted<T>(name: string, start: (onStop: (stop: () => unknown) => void) => Promise<T>): () => T {
  let started: { value: T } | null = null;
  let stop: (() => unknown) | null = null;
  before(async () => {
    started = { value: await start((s) => (stop = s)) };
  });
  after(() => stop?.());
  return () => {
    if (started === null) throw new Error(`${name}: started before the tests, not while the suite is declared`);
    return started.value;
  };
}
