import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { Rest, expectStatus } from '../support/rest-client.js';
import { embeddedEnv, spawnServer } from '../support/spawn-server.js';

const run = promisify(execFile);

describe('npm start on an empty data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'deskwire-serve-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('answers /healthz within 20 s, prints sign-in details and a token that works, and keeps them across restarts', async () => {
    const env = embeddedEnv({ DATA_DIR: dataDir, PORT: '0' });
    const first = await spawnServer('npm', ['start', '--silent'], env, 20_000);
    let password: string;
    try {
      expectStatus(await new Rest(first.url).get('/healthz'), 200);
      const m = /password is (\S+)/.exec(first.banner);
      assert.ok(m, `no password in:\n${first.banner}`);
      password = m[1]!;
      assert.match(first.banner, /owner@demo\.deskwire/);
      const token = /ready owner token: (JWT \S+)/.exec(first.banner)?.[1];
      assert.ok(token, `no token in:\n${first.banner}`);
      const projects = expectStatus(await new Rest(first.url, token).get('/projects'), 200);
      assert.deepEqual(projects.map((p: { name: string }) => p.name), ['Demo Help Desk']);
      const signin = expectStatus(await new Rest(first.url).post('/auth/signin', { email: 'alice@demo.deskwire', password }), 200);
      assert.match(signin.token, /^JWT /);
    } finally {
      await first.stop();
    }
    await assert.rejects(fetch(`${first.url}/healthz`), 'Ctrl-C stops the server');

    const second = await spawnServer('npm', ['start', '--silent'], env, 20_000);
    try {
      assert.match(second.banner, new RegExp(`password is ${password}`), 'the same demo credentials, not a second demo project');
      const token = /ready owner token: (JWT \S+)/.exec(second.banner)![1];
      const projects = expectStatus(await new Rest(second.url, token).get('/projects'), 200);
      assert.equal(projects.length, 1);
    } finally {
      await second.stop();
    }

    const { stdout } = await run('node', ['bin/deskwire.js', 'token', '--email', 'sam@demo.deskwire', '--data-dir', dataDir], { env });
    assert.match(stdout, /^JWT [\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  test('a bad configuration is refused at once with every problem listed', async () => {
    const result = await run('node', ['bin/deskwire.js', 'serve', '--port', 'eighty', '--log-level', 'loud'], { env: embeddedEnv({ DATA_DIR: dataDir }) }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    assert.ok(result, 'serve must fail');
    assert.equal(result.code, 2, 'a wrong configuration exits 2: running it again unchanged cannot succeed');
    assert.match(result.stderr, /PORT must be an integer/);
    assert.match(result.stderr, /LOG_LEVEL must be one of/);
  });
});
