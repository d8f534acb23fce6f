import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { ConfigError, isLoopback, loadConfig } from '../../src/config.js';
import { cameOverTls, clientIp, transportAllowed } from '../../src/net/forwarded.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ NODE_ENV: 'test', ...env }, {});
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

test('TLS files come in pairs and must exist', () => {
  assert.ok(problemsOf({ TLS_CERT_FILE: '/etc/hostname' }).some((p) => p.includes('TLS_CERT_FILE and TLS_KEY_FILE must be set together')));
  assert.ok(problemsOf({ TLS_CERT_FILE: '/nope/cert.pem', TLS_KEY_FILE: '/nope/key.pem' }).filter((p) => p.includes('does not exist')).length === 2);
  assert.deepEqual(problemsOf({ TLS_CERT_FILE: '/etc/hostname', TLS_KEY_FILE: '/etc/hostname', HOST: '0.0.0.0' }), [], 'TLS allows any bind');
});

test('loopback addresses', () => {
  for (const h of ['127.0.0.1', '127.255.0.9', '::1', 'localhost']) assert.equal(isLoopback(h), true, h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '::ffff:127.0.0.1x']) assert.equal(isLoopback(h), false, h);
});

const req = (headers: Record<string, string>, encrypted = false, remoteAddress = '10.0.0.7') =>
  ({ headers, socket: { encrypted, remoteAddress } }) as unknown as IncomingMessage;

test('forwarded headers count only behind a trusted proxy, and only the entry the proxy appended', () => {
  const spoofed = req({ 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https' });
  assert.equal(clientIp(spoofed, false), '10.0.0.7', 'untrusted: the peer address');
  assert.equal(cameOverTls(spoofed, false), false);
  assert.equal(transportAllowed(spoofed, false), true, 'no proxy: plain loopback is allowed by config');
  assert.equal(clientIp(req({ 'x-forwarded-for': '6.6.6.6, 203.0.113.5' }), true), '203.0.113.5');
  assert.equal(transportAllowed(req({ 'x-forwarded-proto': 'http, https' }), true), true);
  assert.equal(transportAllowed(req({ 'x-forwarded-proto': 'https, http' }), true), false);
  assert.equal(transportAllowed(req({}), true), false);
  assert.equal(transportAllowed(req({}, true), true), true, 'our own TLS is always fine');
});
