/**
 * The store's worker thread: it owns the embedded database (a `PgliteDb`, with its statement cache and its lock) and
 * runs what `PgliteWorkerDb` on the main thread sends, so that PGlite's CPU time is spent beside the event loop that
 * parses HTTP and writes sockets, not on it. Every statement keeps `PgliteDb`'s semantics because it is `PgliteDb`
 * that runs it: a transaction holds the lock from `begin` to `commit`/`rollback`, and other callers' statements
 * wait behind it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { capDepth, STORED_EVENT_MAX_DEPTH } from '../domain/json-depth.js';
import { collectGarbage } from '../observability/full-gc.js';
import { PgliteDb } from './pglite-db.js';
import type { Queryable } from './db.js';
import { isProcedure, type Procedure } from './procedure.js';
import { toWireError, type StoreReady, type StoreReply, type StoreRequest, type StoreWorkerData } from './pglite-worker-protocol.js';

const port = parentPort!;
const { pgliteDir, maxPrepared, fromDump } = workerData as StoreWorkerData;

/** What ends a transaction the main thread rolled back: thrown out of the transaction's body so PgliteDb rolls back. */
const ROLLBACK = Symbol('rollback');

/** A transaction's requests, in order, for the body that runs inside `PgliteDb.transaction`. */
class Inbox {
  private readonly queue: StoreRequest[] = [];
  private waiter: ((request: StoreRequest) => void) | null = null;
  push(request: StoreRequest): void {
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = null;
      wake(request);
    } else this.queue.push(request);
  }
  next(): Promise<StoreRequest> {
    const queued = this.queue.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => (this.waiter = resolve));
  }
}

const transactions = new Map<number, Inbox>();

/**
 * Rows cross the thread by structured clone, which recurses on the native stack: an older row whose JSON nests
 * thousands of levels (docs/limits.md) would throw in `postMessage` and leave its caller waiting. Each column is
 * capped here at the deepest cap the store's mappers apply (an event's entity), so what they cap again is the same.
 */
function cloneable(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((row: unknown) => {
    if (typeof row !== 'object' || row === null) return row;
    const columns = row as Record<string, unknown>;
    for (const key of Object.keys(columns)) columns[key] = capDepth(columns[key], STORED_EVENT_MAX_DEPTH);
    return columns;
  });
}

/** Sends a reply; one that cannot cross the thread is answered with its error instead, never left unanswered. */
function reply(message: StoreReply): void {
  try {
    port.postMessage(message.ok ? { ...message, value: cloneable(message.value) } : message);
  } catch (error) {
    port.postMessage({ id: message.id, ok: false, error: toWireError(error) } satisfies StoreReply);
  }
}

function answer(id: number, work: Promise<unknown>): void {
  work.then(
    (value) => reply({ id, ok: true, value: value ?? null }),
    (error: unknown) => reply({ id, ok: false, error: toWireError(error) }),
  );
}

/** Runs transaction `tx` as one `PgliteDb.transaction`, fed by the requests the main thread sends for it. */
function begin(db: PgliteDb, id: number, tx: number): void {
  const inbox = new Inbox();
  transactions.set(tx, inbox);
  let begun = false;
  let endId = id;
  db.transaction(async (q: Queryable) => {
    begun = true;
    reply({ id, ok: true, value: null });
    for (;;) {
      const request = await inbox.next();
      if (request.op !== 'tx-query') {
        endId = request.id;
        if (request.op === 'commit') return;
        throw ROLLBACK;
      }
      // One statement at a time, in the order sent. A failed one is the body's to handle (the main thread's
      // caller may catch it), as in PgliteDb; COMMIT then answers that the transaction was rolled back.
      try {
        reply({ id: request.id, ok: true, value: await q.query(request.sql, request.params) });
      } catch (error) {
        reply({ id: request.id, ok: false, error: toWireError(error) });
      }
    }
  }).then(
    () => reply({ id: endId, ok: true, value: null }),
    (error: unknown) => reply(error === ROLLBACK ? { id: endId, ok: true, value: null } : { id: begun ? endId : id, ok: false, error: toWireError(error) }),
  ).finally(() => transactions.delete(tx));
}

/** Procedures by module and name, imported once each. */
const procedures = new Map<string, Promise<Procedure<unknown, unknown>>>();

function procedureAt(module: string, name: string): Promise<Procedure<unknown, unknown>> {
  const key = `${module}#${name}`;
  let found = procedures.get(key);
  if (!found) {
    found = import(module).then((exports: Record<string, unknown>) => {
      const procedure = exports[name];
      if (!isProcedure(procedure) || procedure.name !== name) throw new Error(`${module} exports no procedure named ${name}`);
      return procedure;
    });
    // A module that failed to load is tried again by the next call rather than remembered as failed.
    found.catch(() => procedures.delete(key));
    procedures.set(key, found);
  }
  return found;
}

/** Runs a procedure as one `PgliteDb.transaction`: the lock is held for its statements alone. */
async function runProcedure(db: PgliteDb, module: string, name: string, args: unknown): Promise<unknown> {
  const procedure = await procedureAt(module, name);
  return db.transaction((tx) => procedure.run(tx, args));
}

async function main(): Promise<void> {
  let db: PgliteDb;
  try {
    db = await PgliteDb.openUnlocked(pgliteDir, maxPrepared, fromDump);
  } catch (error) {
    port.postMessage({ ready: false, error: toWireError(error) } satisfies StoreReady);
    return;
  }
  port.on('message', (request: StoreRequest) => {
    switch (request.op) {
      case 'query':
        return answer(request.id, db.query(request.sql, request.params));
      case 'exec':
        return answer(request.id, db.exec(request.sql));
      case 'begin':
        return begin(db, request.id, request.tx);
      case 'procedure':
        return answer(request.id, runProcedure(db, request.module, request.name, request.args));
      case 'tx-query':
      case 'commit':
      case 'rollback': {
        const inbox = transactions.get(request.tx);
        if (!inbox) return reply({ id: request.id, ok: false, error: toWireError(new Error('Transaction is closed')) });
        return inbox.push(request);
      }
      case 'close':
        // The main thread terminates the worker once it has the answer.
        return answer(request.id, db.close());
      case 'collect-garbage':
        return answer(request.id, collectGarbage());
      case 'crash':
        setImmediate(() => {
          throw new Error('store worker crash requested by a test');
        });
        return reply({ id: request.id, ok: true, value: null });
    }
  });
  port.postMessage({ ready: true } satisfies StoreReady);
}

void main();
