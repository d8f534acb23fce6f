/**
 * The static route behind /dashboard/: the built page and its assets, a clear 503 before the first build, and nothing
 * outside the build directory, whatever the path says.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Fastify from 'fastify';
import { dashboardRoutes } from '../../src/http/dashboard-routes.js';

describe('dashboard static route', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskwire-dashboard-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function appOn(dist: string) {
    const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    dashboardRoutes(app, dist);
    return app;
  }

  test('before a build: 503 DASHBOARD_NOT_BUILT naming the command', async () => {
    const res = await appOn(join(dir, 'missing')).inject('/dashboard/');
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().error, 'DASHBOARD_NOT_BUILT');
    assert.match(res.json().message, /npm run build:dashboard/);
  });

  test('serves the page, hashed assets cached for good, and the page for page-like paths only', async () => {
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>dash</title>');
    writeFileSync(join(dist, 'assets', 'index-abc.js'), 'export {};');
    writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    const app = appOn(dist);

    for (const url of ['/dashboard', '/dashboard/', '/dashboard/some/page']) {
      const res = await app.inject(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.body, /<title>dash<\/title>/);
    }
    const asset = await app.inject('/dashboard/assets/index-abc.js');
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['content-type'] as string, /^text\/javascript/);
    assert.match(asset.headers['cache-control'] as string, /immutable/);
    assert.equal((await app.inject('/dashboard/assets/gone.js')).statusCode, 404);

    for (const url of ['/dashboard/../secret.txt', '/dashboard/%2e%2e/secret.txt', '/dashboard/..%2fsecret.txt']) {
      const res = await app.inject(url);
      assert.notEqual(res.statusCode, 200, url);
      assert.doesNotMatch(res.body, /not for the web/, url);
    }
  });
});
