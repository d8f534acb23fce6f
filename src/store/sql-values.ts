/** Normalizes what the two drivers return so rows map to the same JSON on PGlite and PostgreSQL. */
import { capDepth, STORED_JSON_MAX_DEPTH } from '../domain/json-depth.js';

/**
 * A JSON column's value as deskwire serves it. The edge refuses deep input, but an older row may nest thousands of
 * levels, which no serializer can write out: such a value is capped (the part too deep becomes a marker) so that
 * every list, snapshot and event carrying it can still be sent.
 */
export function servedJson<T>(value: T, maxDepth = STORED_JSON_MAX_DEPTH): T {
  return capDepth(value, maxDepth);
}
export function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
