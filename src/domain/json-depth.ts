/**
 * How deep JSON may nest. `JSON.parse` builds any depth, but `JSON.stringify` — every REST answer, every frame,
 * every outbox row — recurses on the native stack and throws `RangeError` a few thousand levels down (where exactly
 * depends on how deep the stack already is). So input is refused at the edge above a small depth, and what is read
 * back from the store is capped: nothing deskwire serializes can overflow, whatever an older row holds.
 *
 * Depth counts arrays and objects: a scalar is 0, `{}` and `[]` are 1, `{"a":[1]}` is 2.
 */

/** Stored JSON (attributes, metadata, settings, an event's entity) is served at most this deep, counted from the column's value. */
export const STORED_JSON_MAX_DEPTH = 64;

/**
 * An outbox event's entity, read back, is served at most this deep: its JSON values sit up to 3 levels inside it (a
 * request's `snapshot.lead.attributes`), so nothing the mappers already capped is cut again.
 */
export const STORED_EVENT_MAX_DEPTH = STORED_JSON_MAX_DEPTH + 3;

/** What replaces an array or object nested deeper than a cap allows. */
export const TOO_DEEP_MARKER = '[deskwire: nested too deep, not shown]';

/** True when arrays/objects in the JSON `text` nest deeper than `maxDepth`. A scan, no parse: brackets in strings do not count. */
export function jsonTextNestsDeeper(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Whether a parsed value nests deeper than `maxDepth`. Recurses at most `maxDepth` levels, however deep the value. */
export function nestsDeeper(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (maxDepth <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestsDeeper(item, maxDepth - 1)) return true;
    return false;
  }
  for (const key of Object.keys(value)) if (nestsDeeper((value as Record<string, unknown>)[key], maxDepth - 1)) return true;
  return false;
}

/**
 * `value` itself when it nests at most `maxDepth` deep (the usual case: no copy), else a copy in which every array
 * or object below that depth is replaced by `TOO_DEEP_MARKER`.
 */
export function capDepth<T>(value: T, maxDepth: number): T {
  return nestsDeeper(value, maxDepth) ? (cut(value, maxDepth) as T) : value;
}

function cut(value: unknown, levels: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (levels <= 0) return TOO_DEEP_MARKER;
  if (Array.isArray(value)) return value.map((item) => cut(item, levels - 1));
  // fromEntries defines own properties: a "__proto__" key stays data and never becomes the copy's prototype.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cut(item, levels - 1)]));
}
