import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnServer } from '../support/spawn-server.js';

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
  const deadline = Date.now() + 5000;
  while (alive(pid)) {
    assert.ok(Date.now() < deadline, `process ${pid} still running`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});
