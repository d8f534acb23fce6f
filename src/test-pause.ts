/**
 * TEST_PAUSE_AT: a start that reaches the named point says so on stderr and goes no further, so a test can SIGKILL
 * it exactly there (after the migrations, in the middle of the demo seeding, after it) instead of guessing with
 * timers. Never set in production (the configuration refuses it).
 */
import type { Config, StartPoint } from './config.js';

export function pauseAt(config: Pick<Config, 'testPauseAt'>): (point: StartPoint) => Promise<void> {
  return (point) => {
    if (config.testPauseAt !== point) return Promise.resolve();
    process.stderr.write(`deskwire: paused at ${point} (TEST_PAUSE_AT)\n`);
    // Until killed: the timer keeps the process alive even when nothing else would.
    return new Promise(() => setInterval(() => {}, 60_000));
  };
}
