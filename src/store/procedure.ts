import type { Queryable } from './db.js';

/**
 * A transaction body that can run wherever the store runs. On the worker-thread store (`PgliteWorkerDb`) the whole
 * transaction is one message: the worker imports `module`, takes its export `name` and runs it, so the database is
 * held for the statements alone and not across a round trip through the main thread's event loop for each of them
 * (under socket load each such hop waited behind the fan-out, and the worker sat idle with the lock held).
 *
 * So a procedure is defined at the top level of its module and exported under `name`, it reads nothing but its
 * transaction and its arguments, and its arguments, result and errors cross threads by structured clone (plain data;
 * a `DeskwireError` keeps its code and details). Every other store runs it in place, as `transaction` would.
 */
export interface Procedure<A, R> {
  /** The defining module's `import.meta.url`. */
  readonly module: string;
  /** The name the module exports it under. */
  readonly name: string;
  readonly run: (tx: Queryable, args: A) => Promise<R>;
}

export function defineProcedure<A, R>(module: string, name: string, run: (tx: Queryable, args: A) => Promise<R>): Procedure<A, R> {
  return { module, name, run };
}

/** Whether an export is a procedure (the worker checks what it imported before running it). */
export function isProcedure(value: unknown): value is Procedure<unknown, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<Procedure<unknown, unknown>>;
  return typeof p.module === 'string' && typeof p.name === 'string' && typeof p.run === 'function';
}
