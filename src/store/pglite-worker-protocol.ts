/**
 * The messages between `PgliteWorkerDb` (the main thread) and the store's worker thread (`pglite-worker.ts`), which
 * owns the embedded database. Values cross by structured clone, which keeps what PGlite's parsers return (Date,
 * bigint, arrays, parsed JSON, Uint8Array) as it is; errors cross as plain fields (`WireError`) because a clone of
 * an Error drops its own properties (the SQLSTATE `code` services branch on).
 */
import { DeskwireError, isErrorCode } from '../domain/errors.js';

/** What the worker is started with. */
export interface StoreWorkerData {
  /** PGlite's directory inside the (main-thread-locked) data directory; null keeps the database in memory. */
  pgliteDir: string | null;
  maxPrepared?: number;
  /** In memory only: the dump file the database starts from (`PgliteOpenOptions.fromDump`). */
  fromDump?: string;
}

export type StoreRequest =
  | { id: number; op: 'query'; sql: string; params: readonly unknown[] }
  | { id: number; op: 'exec'; sql: string }
  /** Opens transaction `tx` (which waits for the database's lock); its statements, then commit or rollback, follow. */
  | { id: number; op: 'begin'; tx: number }
  | { id: number; op: 'tx-query'; tx: number; sql: string; params: readonly unknown[] }
  | { id: number; op: 'commit'; tx: number }
  | { id: number; op: 'rollback'; tx: number }
  /** Runs a procedure (`procedure.ts`) as one transaction: the worker imports `module` and runs its export `name`. */
  | { id: number; op: 'procedure'; module: string; name: string; args: unknown }
  | { id: number; op: 'close' }
  /** Measurements only: a full garbage collection in the worker, when the process exposes `gc` (--expose-gc). */
  | { id: number; op: 'collect-garbage' }
  /** Tests only: an uncaught error in the worker, as a bug in it or in PGlite would raise. */
  | { id: number; op: 'crash' };

export type StoreReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/** The worker's first message: the database is open, or why it could not be. */
export type StoreReady = { ready: true } | { ready: false; error: WireError };

export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** The error's own primitive fields (a DatabaseError's code, detail, constraint, …). */
  fields: Record<string, string | number | boolean | null>;
  /** A `DeskwireError`'s details (an object, which `fields` leaves out), so that it crosses whole. */
  details?: Record<string, unknown>;
}

export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: WireError['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value as string | number | boolean | null;
  }
  const details = error instanceof DeskwireError ? { details: error.details } : {};
  return { name: error.name, message: error.message, stack: error.stack, fields, ...details };
}

export function fromWireError(wire: WireError): Error {
  // A procedure's refusal (NOT_FOUND, FORBIDDEN, …) is answered as the catalogue says, as if it had run here.
  const code = wire.fields.code;
  if (wire.name === 'DeskwireError' && typeof code === 'string' && isErrorCode(code)) {
    const refusal = new DeskwireError(code, wire.message, wire.details ?? {});
    if (wire.stack !== undefined) refusal.stack = wire.stack;
    return refusal;
  }
  const error = Object.assign(new Error(wire.message), wire.fields);
  error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
