/**
 * Characters the store cannot hold. PostgreSQL text refuses NUL (U+0000), and jsonb refuses `\u0000` and any
 * UTF-16 surrogate without its other half (JSON.stringify writes one as a `\udXXX` escape that has no code point).
 * Such input is refused at the edge with a catalogue code: left to the store, it is a failed statement, a 500.
 */

// Without the `u` flag a class matches single UTF-16 units, so a lone half of a surrogate pair is found as itself.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** Why the store cannot hold `text`, or null when it can. */
export function unstorableIn(text: string): string | null {
  const found = UNSTORABLE.exec(text);
  if (found === null) return null;
  return found[0] === '\u0000' ? 'contains a NUL character (U+0000), which cannot be stored' : 'contains an unpaired UTF-16 surrogate, which cannot be stored';
}

export interface Unstorable {
  /** Where, as `a.b.0` (the form of a validation issue's path); '' for the value itself. */
  path: string;
  reason: string;
}

/** The first string — an object key or a value, at any depth — that the store cannot hold in `value`, or null. */
export function findUnstorable(value: unknown): Unstorable | null {
  // Iterative: a caller may hand over a value whose depth was not bounded first.
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  // A key that is itself the problem is named with U+FFFD in place of what cannot be stored (or echoed).
  const at = (path: string, key: string) => {
    const shown = key.replace(UNSTORABLE_ALL, '\ufffd');
    return path === '' ? shown : `${path}.${shown}`;
  };
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const v = next.value;
    if (typeof v === 'string') {
      const reason = unstorableIn(v);
      if (reason !== null) return { path: next.path, reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: at(next.path, String(i)) });
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const reason = unstorableIn(key);
        if (reason !== null) return { path: at(next.path, key), reason: `the key ${reason}` };
        stack.push({ value: (v as Record<string, unknown>)[key], path: at(next.path, key) });
      }
    }
  }
  return null;
}
