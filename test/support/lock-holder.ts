/**
 * A process that takes a data directory's lock, for the lock tests: `node --import tsx test/support/lock-holder.ts
 * DIR [--wait] [--hold-ms N]`. Prints `locked <time>` once it holds the lock and `released <time>` when it gives it
 * back: after N ms, or on SIGTERM. A refusal is printed on stderr and exits 1, as the CLI does.
 */
import { lockDataDir } from '../../src/store/data-dir-lock.js';

const [dir, ...rest] = process.argv.slice(2);
const wait = rest.includes('--wait');
const holdIndex = rest.indexOf('--hold-ms');
const holdMs = holdIndex >= 0 ? Number(rest[holdIndex + 1]) : null;

try {
  const lock = await lockDataDir(dir!, { command: 'lock-holder', wait, onWait: (holder) => process.stdout.write(`waiting ${holder.pid}\n`) });
  const release = async () => {
    const at = Date.now();
    await lock.release();
    process.stdout.write(`released ${at}\n`);
    process.exit(0);
  };
  // Before saying so: a test may send SIGTERM the moment it reads "locked".
  process.once('SIGTERM', release);
  if (holdMs !== null) setTimeout(release, holdMs);
  process.stdout.write(`locked ${Date.now()}\n`);
  // Held until then.
  setInterval(() => {}, 60_000);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
