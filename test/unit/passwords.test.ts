import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from '../../src/services/passwords.js';

test('a hash verifies the password it was made from', async () => {
  const stored = await hashPassword('correct horse battery staple');
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
});

test('a wrong password does not verify, including near misses', async () => {
  const stored = await hashPassword('s3cret-Password');
  for (const wrong of ['s3cret-password', 's3cret-Password ', 's3cret-Passwor', '', 'S3CRET-PASSWORD']) {
    assert.equal(await verifyPassword(wrong, stored), false, JSON.stringify(wrong));
  }
});

test('unicode passwords round-trip', async () => {
  const stored = await hashPassword('pässwörd 🔑');
  assert.equal(await verifyPassword('pässwörd 🔑', stored), true);
  assert.equal(await verifyPassword('passwords 🔑', stored), false);
});

test('two hashes of the same password differ (random salt) and both verify', async () => {
  const a = await hashPassword('same password');
  const b = await hashPassword('same password');
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('same password', a), true);
  assert.equal(await verifyPassword('same password', b), true);
});

test('the stored form names its KDF and parameters, and never contains the password', async () => {
  const stored = await hashPassword('visible?');
  assert.match(stored, /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.ok(!stored.includes('visible?'));
});

test('a stored hash that is not ours returns false', async () => {
  const malformed = [
    '',
    'garbage',
    'plain-text-password',
    '$2b$10$abcdefghijklmnopqrstuuJ1Yy2zAbCdEfGhIjKlMnOpQrStUvW', // bcrypt
    'scrypt$32768$8$1$c2FsdA==', // key missing
    'scrypt$$$$$',
    'argon2id$v=19$m=65536,t=3,p=4$c2FsdA$a2V5',
  ];
  for (const stored of malformed) assert.equal(await verifyPassword('pw', stored), false, JSON.stringify(stored));
});

// A corrupt stored hash must fail closed with `false` (sign-in answers SIGNIN_FAILED), never throw (which becomes
// INTERNAL) and never accept: an empty key once compared two empty buffers and accepted any password.
test('a corrupt scrypt hash fails closed: false, not a throw and not a match', async () => {
  const [, , , , salt, key] = (await hashPassword('pw')).split('$');
  const corrupt = [
    `scrypt$abc$8$1$${salt}$${key}`, // N not a number
    `scrypt$1000$8$1$${salt}$${key}`, // N not a power of two
    `scrypt$1073741824$8$1$${salt}$${key}`, // N beyond the memory bound
    `scrypt$32768$8$1$${salt}$!!!!`, // key decodes to zero bytes
    `scrypt$32768$8$1$${salt}$=`,
  ];
  // Collect every case before asserting so the failure lists all of them at once.
  const outcomes = await Promise.all(
    corrupt.map((stored) =>
      verifyPassword('any password at all', stored).then(
        (ok) => `${stored} -> ${ok}`,
        (error: Error) => `${stored} -> threw ${error.message}`,
      ),
    ),
  );
  assert.deepEqual(outcomes, corrupt.map((stored) => `${stored} -> false`));
});
