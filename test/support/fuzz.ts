/**
 * Seeded randomness for the fuzz tests (REST bodies, Realtime frames): the same seed gives the same inputs, so a
 * failure is replayed with `FUZZ_SEED=<seed>`.
 */
import { seededRandom } from '../../src/cli/simulate-random.js';

/** The seed of this run: `FUZZ_SEED` when set, else the test's own. */
export function fuzzSeed(fallback: number): number {
  const given = process.env.FUZZ_SEED;
  return given === undefined || given === '' ? fallback : Number(given);
}

/** mulberry32 (the project's one seeded generator, simulate's): small, seedable, good enough to spread inputs. */
export const rng: (seed: number) => () => number = seededRandom;

/**
 * Characters that have broken servers: JSON syntax, escapes, NUL and other controls, both halves of a surrogate pair
 * alone, a whole pair, non-BMP, bidi overrides, a BOM, percent signs.
 */
export const NASTY_CHARS = ['a', 'Z', '0', ' ', '/', '.', '%', '"', '\\', '{', '}', '[', ']', ':', ',', '\n', '\t', '\u0000', '\u0001', '\u001f', '\u007f', 'é', '\u00a0', '\u2028', '\u202e', '\ufeff', '\ufffd', '\ud800', '\udbff', '\udc00', '\udfff', '\u{1F600}', '中'];

/** Numbers that have broken servers: bounds of 32 and 64 bits, beyond safe integers, negative, fractional, extreme. */
export const NASTY_NUMBERS = [0, -0, 1, -1, 0.5, 1.5, -1.5, 1e-320, 100, 1000, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53) - 2, 2 ** 63, 2 ** 64, 1e21, 1e308, -1e308, Number.MAX_VALUE];

/** The same numbers as query-string text, plus what `Number()` and `parseInt` disagree on. */
export const NASTY_NUMBER_TEXTS = [...NASTY_NUMBERS.map(String), '99999999999999999999', '-99999999999999999999', '1e400', '-1e400', 'Infinity', 'NaN', '0x10', '1_000', ' 1', '1 ', '', '+5', '.5', '5.', '00', '-'];

export interface Fuzz {
  random: () => number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
  /** Up to `max` characters, mostly ordinary, some nasty. */
  text(max: number): string;
  number(): number;
  /** A random JSON value, nesting at most `depth` more levels. */
  value(depth: number): unknown;
  /** `{"a":{"a":…}}` exactly `levels` deep around `inner`. */
  nest(levels: number, inner: unknown): unknown;
}

export function fuzz(seed: number): Fuzz {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => random() < p;
  const text = (max: number) => Array.from({ length: int(max + 1) }, () => (chance(0.7) ? pick(['a', 'b', 'x', ' ', '1']) : pick(NASTY_CHARS))).join('');
  const number = () => pick(NASTY_NUMBERS);
  const value = (depth: number): unknown => {
    switch (int(depth > 0 ? 8 : 5)) {
      case 0: return null;
      case 1: return chance(0.5);
      case 2: return number();
      case 3:
      case 4: return text(20);
      case 5:
      case 6: return Array.from({ length: int(4) }, () => value(depth - 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = int(4); i > 0; i--) o[chance(0.8) ? pick(['a', 'b', 'text', 'name', 'src', 'id']) : text(6)] = value(depth - 1);
        return o;
      }
    }
  };
  const nest = (levels: number, inner: unknown): unknown => {
    let v = inner;
    for (let i = 0; i < levels; i++) v = chance(0.5) ? { a: v } : [v];
    return v;
  };
  return { random, int, pick, chance, text, number, value, nest };
}
