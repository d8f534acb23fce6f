import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

// scrypt with N=2^15 costs ~50 ms and 32 MiB per hash: slow for guessing, fine for sign-in.
const params = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** False for a wrong password and for any stored value that is not a well-formed hash of ours: never throws. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key, ...extra] = stored.split('$');
  if (scheme !== 'scrypt' || extra.length > 0 || !salt || !key) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // Only the parameters we issue: a corrupt row must not turn into a huge allocation or an empty comparison.
  if (cost.N !== params.N || cost.r !== params.r || cost.p !== params.p) return false;
  const expected = Buffer.from(key, 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  try {
    const actual = await scrypt(password, Buffer.from(salt, 'base64'), KEY_LENGTH, { ...cost, maxmem: params.maxmem });
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
