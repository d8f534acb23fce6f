/**
 * Tokens never reach a log line: a real app logging at `trace` into memory, driven through sign-in, REST calls with
 * the token in the header and the query, Realtime handshakes (accepted and refused) and `refresh` frames, then every
 * line searched for every token (whole, and its signature alone, which is what a log would cut a token down to).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { redactPaths, startApp, type App } from '../../src/app.js';
import { PgliteDb } from '../../src/store/pglite-db.js';
import { TestClient } from '../support/ws-client.js';
import { expectStatus, Rest } from '../support/rest-client.js';
import { testConfig } from '../support/test-app.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
let app: App;
let db: PgliteDb;
before(async () => {
  db = await PgliteDb.open(null);
  const config = testConfig({ LOG_LEVEL: 'trace', WS_TOKEN_EXPIRY_GRACE_MS: '200' });
  // The app's own redaction rules, with the stream swapped for memory.
  app = await startApp(config, { db, logger: pino({ level: 'trace', redact: { paths: redactPaths, censor: '[redacted]' } }, sink) });
});
after(async () => {
  await app.close();
  await db.close();
});

test('no token, whole or in part, appears in any log line', async () => {
  const anonymous = new Rest(app.url);
  const password = 'correct horse battery';
  const email = `logs-${Date.now()}@example.test`;
  expectStatus(await anonymous.post('/auth/signup', { email, password, firstname: 'Log', lastname: 'T' }), 201);
  const signin = expectStatus(await anonymous.post('/auth/signin', { email, password }), 200);
  const token = (signin.token as string).replace(/^JWT /, '');
  const user = signin.user._id as string;
  const second = (await app.tokens.issue({ id: user, email, firstname: 'Log', lastname: 'T' })).token;
  const tokens = [token, second];

  // REST: header, both schemes, the query string, a bad route, a forbidden route.
  const rest = anonymous.as(`JWT ${token}`);
  expectStatus(await rest.get('/projects'), 200);
  await fetch(`${app.url}/projects?token=${token}`);
  await fetch(`${app.url}/no/such/route?token=${encodeURIComponent(`JWT ${token}`)}`, { headers: { authorization: `Bearer ${token}` } });
  await fetch(`${app.url}/projects/x/y/z`, { headers: { authorization: `JWT ${token}.tampered` } });

  // Realtime: accepted, refused (wrong path, tampered token), a refresh, a bad refresh, an expiry.
  const ws = app.url.replace('http', 'ws');
  const c = await TestClient.connect(`${ws}${app.config.wsPaths[0]}?token=JWT%20${token}`);
  c.send({ action: 'refresh', payload: { token: `JWT ${second}` } });
  await c.waitFor((f) => f.action === 'refresh', 'the refresh reply');
  c.send({ action: 'refresh', payload: { token: `${second}x` } });
  await c.waitFor((f) => f.action === 'error', 'the bad refresh refused');
  await c.close();
  await TestClient.connect(`${ws}/not-a-ws-path?token=${token}`).catch(() => undefined);
  await TestClient.connect(`${ws}${app.config.wsPaths[0]}?token=${token}x`).catch(() => undefined);
  await TestClient.connect(`${ws}${app.config.wsPaths[0]}`, { headers: { authorization: `Bearer ${token}x` } }).catch(() => undefined);
  // Issued just before use, with room for a slow handshake: a token that expired before the upgrade would be refused
  // with 401 instead of reaching the 4001 close this step logs.
  const short = (await app.tokens.issue({ id: user, email, firstname: 'Log', lastname: 'T' }, 3)).token;
  tokens.push(short);
  const expiring = await TestClient.connect(`${ws}${app.config.wsPaths[0]}?token=${short}`);
  assert.equal((await expiring.waitForClose(10_000)).code, 4001);

  assert.ok(lines.some((l) => l.includes('connection opened')), `the app logged at trace (${lines.length} lines)`);
  assert.ok(lines.some((l) => l.includes('handshake refused')), 'the refused handshakes were logged');
  for (const t of tokens) {
    const signature = t.split('.')[2]!;
    const leaks = lines.filter((l) => l.includes(t) || l.includes(signature));
    assert.deepEqual(leaks, [], 'a token reached the logs');
  }
});

test('plain http on loopback is announced with a warning at start', () => {
  const warning = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.level === 40 && /plain http/.test(l.msg));
  assert.ok(warning, 'a start-up warning about plain http');
});
