/**
 * PROTOCOL §7: native TLS with a certificate made at test time (wss and https on one port, HSTS, reloaded on file
 * change and on SIGHUP), trusted-proxy mode, and the refusal to serve plain text off loopback.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/config.js';
import { TestClient } from '../support/ws-client.js';
import { startTestApp, testConfig, type TestApp } from '../support/test-app.js';
import { findUserById, insertUser } from '../../src/store/users.js';
import { useApp } from '../support/use-app.js';

const dir = mkdtempSync(join(tmpdir(), 'deskwire-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh self-signed certificate for 127.0.0.1 (openssl CLI); returns the PEM texts. */
function makeCert(name: string): { cert: string; key: string } {
  const certFile = join(dir, `${name}.cert.pem`);
  const keyFile = join(dir, `${name}.key.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

/** Installs a certificate by rename, as renewal tools do (a watch on the old file alone would miss it). */
function install(target: { certFile: string; keyFile: string }, pem: { cert: string; key: string }): void {
  writeFileSync(`${target.keyFile}.new`, pem.key);
  writeFileSync(`${target.certFile}.new`, pem.cert);
  renameSync(`${target.keyFile}.new`, target.keyFile);
  renameSync(`${target.certFile}.new`, target.certFile);
}

/** The SHA-256 fingerprint of the certificate the server presents now. */
function served(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fp);
    });
    socket.on('error', reject);
  });
}

const fingerprintOf = (pem: string) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem }).toString().split('=')[1]!.trim();

async function untilServed(port: number, fingerprint: string, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (let last = ''; ; ) {
    last = await served(port);
    if (last === fingerprint) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: still serving ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function tokenFor(app: TestApp, name: string): Promise<string> {
  const id = `u-${name}-${Date.now()}`;
  await insertUser(app.db, { id, email: `${id}@example.test`, passwordHash: null, firstname: name, lastname: 'T' });
  const u = (await findUserById(app.db, id))!;
  return (await app.tokens.issue({ id, email: u.email, firstname: u.firstname, lastname: u.lastname })).token;
}

function get(url: string, ca: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    }).on('error', reject).end();
  });
}

describe('native TLS', () => {
  let app: TestApp;
  const files = { certFile: join(dir, 'live', 'cert.pem'), keyFile: join(dir, 'live', 'key.pem') };
  const first = makeCert('first');
  before(async () => {
    mkdirSync(join(dir, 'live'));
    install(files, first);
    app = await startTestApp('pglite', { TLS_CERT_FILE: files.certFile, TLS_KEY_FILE: files.keyFile });
  });
  after(() => app.closeAll());

  test('a wss:// client connects with the certificate made at test time; REST is https on the same port, with HSTS', async () => {
    assert.match(app.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const token = await tokenFor(app, 'Tess');
    const c = await TestClient.connect(`${app.url.replace('https', 'wss')}${app.config.wsPaths[0]}?token=${token}`, { ca: first.cert });
    c.send({ action: 'me' });
    await c.waitFor((f) => f.action === 'me', 'me over wss');
    await c.close();
    const health = await get(`${app.url}/healthz`, first.cert);
    assert.equal(health.status, 200);
    assert.match(String(health.headers['strict-transport-security']), /max-age=\d+/);
    // The port speaks TLS only: a plain client gets no HTTP answer.
    await assert.rejects(fetch(app.url.replace('https', 'http') + '/healthz'));
  });

  test('replacing the certificate files is picked up without a restart (new fingerprint served)', async () => {
    const port = Number(new URL(app.url).port);
    assert.equal(await served(port), fingerprintOf(first.cert));
    const second = makeCert('second');
    install(files, second);
    await untilServed(port, fingerprintOf(second.cert), 'the replaced certificate');
  });
});

describe('SIGHUP reloads the certificate', () => {
  let app: TestApp;
  // The configured paths are symlinks into another directory: writing there is invisible to the file watch, so
  // only the signal can make the server read the files again.
  const real = { certFile: join(dir, 'real', 'cert.pem'), keyFile: join(dir, 'real', 'key.pem') };
  const links = { certFile: join(dir, 'links', 'cert.pem'), keyFile: join(dir, 'links', 'key.pem') };
  before(async () => {
    mkdirSync(join(dir, 'real'));
    mkdirSync(join(dir, 'links'));
    install(real, makeCert('hup-1'));
    symlinkSync(real.certFile, links.certFile);
    symlinkSync(real.keyFile, links.keyFile);
    app = await startTestApp('pglite', { TLS_CERT_FILE: links.certFile, TLS_KEY_FILE: links.keyFile });
  });
  after(() => app.closeAll());

  test('after SIGHUP the server presents the new certificate', async () => {
    const port = Number(new URL(app.url).port);
    const next = makeCert('hup-2');
    install(real, next);
    process.kill(process.pid, 'SIGHUP');
    await untilServed(port, fingerprintOf(next.cert), 'the certificate after SIGHUP');
  });
});

describe('trusted proxy', () => {
  const suite = useApp('pglite', { TRUST_PROXY: 'true' });

  test('without X-Forwarded-Proto: https the WebSocket handshake and REST are refused with 403 TLS_REQUIRED', async () => {
    const token = await tokenFor(suite.app, 'Pat');
    const ws = `${suite.app.url.replace('http', 'ws')}${suite.app.config.wsPaths[0]}?token=${token}`;
    for (const headers of [{}, { 'x-forwarded-proto': 'http' }, { 'x-forwarded-proto': 'https, http' }] as Record<string, string>[]) {
      const error = await TestClient.connect(ws, { headers }).then(
        () => assert.fail(`accepted with ${JSON.stringify(headers)}`),
        (e: { status?: number; body?: string }) => e,
      );
      assert.equal(error.status, 403, JSON.stringify(headers));
      assert.equal(JSON.parse(error.body!).error, 'TLS_REQUIRED');
      const rest = await fetch(`${suite.app.url}/projects`, { headers: { authorization: `JWT ${token}`, ...headers } });
      assert.equal(rest.status, 403);
      assert.equal(((await rest.json()) as { error: string }).error, 'TLS_REQUIRED');
    }
    // What the proxy received over https is served.
    const c = await TestClient.connect(ws, { headers: { 'x-forwarded-proto': 'https' } });
    await c.close();
    const rest = await fetch(`${suite.app.url}/projects`, { headers: { authorization: `JWT ${token}`, 'x-forwarded-proto': 'https' } });
    assert.equal(rest.status, 200);
    // Load balancers probe nodes directly.
    assert.equal((await fetch(`${suite.app.url}/healthz`)).status, 200);
  });
});

describe('plain text only on loopback', () => {
  test('a non-loopback bind without TLS or a trusted proxy is a configuration error that says how to fix it', () => {
    for (const HOST of ['0.0.0.0', '::', '192.0.2.10']) {
      assert.throws(() => testConfig({ HOST }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, new RegExp(`HOST=${HOST.replace(/\./g, '\\.')} is not a loopback address`));
        assert.match(error.message, /TLS_CERT_FILE and TLS_KEY_FILE/);
        assert.match(error.message, /TRUST_PROXY=true/);
        assert.match(error.message, /HOST=127\.0\.0\.1/);
        return true;
      });
    }
    for (const HOST of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(testConfig({ HOST }).host, HOST);
    assert.equal(testConfig({ HOST: '0.0.0.0', TRUST_PROXY: 'true' }).host, '0.0.0.0');
  });

  test('deskwire serve on 0.0.0.0 without TLS refuses to start and prints the fix', () => {
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main, 'serve'], {
      env: { PATH: process.env.PATH, HOST: '0.0.0.0', PORT: '0', DATA_DIR: ':memory:', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.notEqual(run.status, 0, run.stdout);
    assert.match(run.stderr, /HOST=0\.0\.0\.0 is not a loopback address.*TLS_CERT_FILE/s);
    assert.doesNotMatch(run.stdout, /listening on/);
  });
});
