/**
 * CPU cost of verifying one HS256 token: jose's jwtVerify (what TokenService used for every token) against the
 * node:crypto path (Hs256Verifier) it now takes for the header this server issues. One process, one thread, no
 * I/O: the figure is CPU time per verify (process.cpuUsage), so a loaded machine changes it little.
 *   npx tsx bench/hs256-verify.ts [iterations]
 */
import { jwtVerify, SignJWT } from 'jose';
import { Hs256Verifier } from '../src/services/hs256-verifier.js';

const iterations = Number(process.argv[2] ?? 50_000);
const secret = new TextEncoder().encode('bench-secret-of-thirty-two-bytes!!');
const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
const now = Math.floor(Date.now() / 1000);
const token = await new SignJWT({ _id: 'u1', email: 'a@b.c', firstname: 'A', lastname: 'B' })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject('u1').setIssuedAt(now).setExpirationTime(now + 3600).setJti('0123456789abcdef01234567')
  .sign(key);
const fast = new Hs256Verifier(secret, { issuer: null, audience: null });

async function measure(name: string, verifyOnce: () => unknown): Promise<void> {
  for (let i = 0; i < 2_000; i++) await verifyOnce(); // warm-up (JIT)
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await verifyOnce();
  const used = process.cpuUsage(start);
  const micros = (used.user + used.system) / iterations;
  console.log(`${name.padEnd(28)} ${micros.toFixed(2).padStart(7)} µs CPU per verify (${iterations} verifies)`);
}

await measure('jose jwtVerify', () => jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] }));
await measure('node:crypto Hs256Verifier', () => {
  if (typeof fast.verify(token) !== 'object') throw new Error('the fast path refused a good token');
});
await measure('jose jwtVerify (again)', () => jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp'] }));
await measure('node:crypto (again)', () => fast.verify(token));
