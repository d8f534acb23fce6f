import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnServer } from '../support/spawn-server.js';
import { until } from '../support/until.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a spawned server that misses its deadline is killed with its process group, not left running', async () => {
  let pid = 0;
  // A child of the spawned shell, as npm start's server is: it must go with the group.
  const script = 'node -e "console.log(process.pid); setInterval(() => {}, 1000)"';
  const spawned = spawnServer('sh', ['-c', script], process.env, 500);
  await assert.rejects(spawned, /no "listening on" within 500 ms[\s\S]*stdout:\n(\d+)/);
  await spawned.catch((error: Error) => (pid = Number(/stdout:\n(\d+)/.exec(error.message)![1])));
  assert.ok(pid > 0);
  await until(() => !alive(pid), `process ${pid} to end`, { everyMs: 20 });
});
