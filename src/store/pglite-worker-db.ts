import { Worker } from 'node:worker_threads';
import type { DataDirLock } from './data-dir-lock.js';
import { makeOwnerOnly } from './data-dir-modes.js';
import type { Db, Queryable } from './db.js';
import type { Procedure } from './procedure.js';
import { openInDataDir, type PgliteOpenOptions } from './pglite-data-dir.js';
import { fromWireError, type StoreReady, type StoreReply, type StoreRequest, type StoreWorkerData } from './pglite-worker-protocol.js';
import { StoreWorkerStoppedError } from './store-errors.js';

/** A request without its id (the client numbers them). */
type Request = StoreRequest extends infer R ? (R extends StoreRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const workerModule = new URL('./pglite-worker.ts', import.meta.url);

/**
 * The worker's entry. The project runs its TypeScript through tsx (no build step), and a worker thread does not
 * inherit the loader hooks its parent registered: the worker registers tsx itself, then loads its module.
 */
function workerSource(): string {
  const load = `import(${JSON.stringify(workerModule.href)})`;
  if (!workerModule.pathname.endsWith('.ts')) return load;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return ${load}; })`;
}

/**
 * The embedded store (PGlite) on its own worker thread, behind the same `Db` interface as `PgliteDb`, which the
 * worker runs: a statement costs the main thread one message each way (parameters and rows by structured clone)
 * instead of its CPU time in PGlite, so commits proceed while this thread parses HTTP and writes sockets.
 *
 * The data directory's lock is taken and held by this (the main) thread, as with `PgliteDb`. A worker that stops
 * (an uncaught error, an exit) fails every pending and later call with `StoreWorkerStoppedError` (503
 * STORE_UNAVAILABLE) and tells the `onStopped` listeners, so the node turns not-ready and can exit; nothing waits
 * on it forever.
 */
export class PgliteWorkerDb implements Db {
  readonly kind = 'pglite' as const;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private openTransactions = 0;
  /** Set when the worker stopped unasked: what every call fails with from then on. */
  private stopped: StoreWorkerStoppedError | null = null;
  private closing: Promise<void> | null = null;
  /** Set when the worker has exited after a close: a message to it would never be answered. */
  private ended: Error | null = null;
  private readonly stopListeners = new Set<(error: StoreWorkerStoppedError) => void>();
  /** Woken when the last pending call settles (close waits for them). */
  private onIdle: (() => void) | null = null;

  private constructor(
    private readonly worker: Worker,
    /** The data directory's lock; null in memory. */
    readonly dirLock: DataDirLock | null,
  ) {
    // Idle, the worker must not keep the process alive (PgliteDb does not); while a call waits on it, it must.
    worker.unref();
    worker.on('message', (message: StoreReply) => this.settle(message));
    worker.on('error', (error) => this.stop(`an uncaught error: ${error.message}`, error));
    worker.on('exit', (code) => this.stop(`it exited with code ${code}`));
  }

  /**
   * `dataDir` null keeps the database in memory. A directory is locked by this thread first (one process per
   * directory), then made owner-only; the worker opens the database in it.
   */
  static async open(dataDir: string | null, options: PgliteOpenOptions = {}): Promise<PgliteWorkerDb> {
    if (dataDir === null) return new PgliteWorkerDb(await startWorker({ pgliteDir: null, maxPrepared: options.maxPrepared, fromDump: options.fromDump }), null);
    const { opened, lock } = await openInDataDir(dataDir, options, (pgliteDir) => startWorker({ pgliteDir, maxPrepared: options.maxPrepared }));
    return new PgliteWorkerDb(opened, lock);
  }

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.call({ op: 'query', sql, params }) as Promise<T[]>;
  }

  async exec(sql: string): Promise<void> {
    await this.call({ op: 'exec', sql });
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = this.nextId++;
    await this.call({ op: 'begin', tx });
    this.openTransactions++;
    let open = true;
    const q: Queryable = {
      query: <R>(sql: string, params: readonly unknown[] = []) => {
        // After the end the worker's lock belongs to whatever comes next.
        if (!open) return Promise.reject(new Error('Transaction is closed'));
        return this.call({ op: 'tx-query', tx, sql, params }, true) as Promise<R[]>;
      },
    };
    try {
      const result = await fn(q);
      open = false;
      // The worker's PgliteDb commits, or throws that a failed statement rolled the transaction back.
      await this.call({ op: 'commit', tx }, true);
      return result;
    } catch (error) {
      if (open) {
        open = false;
        // The statement's own error is what the caller needs; a failed ROLLBACK (a stopped worker) adds nothing.
        await this.call({ op: 'rollback', tx }, true).catch(() => {});
      }
      throw error;
    } finally {
      this.openTransactions--;
      if (this.openTransactions === 0 && this.pending.size === 0) this.onIdle?.();
    }
  }

  /** The whole transaction in the worker, in one message each way (`procedure.ts`). */
  transact<A, R>(procedure: Procedure<A, R>, args: A): Promise<R> {
    return this.call({ op: 'procedure', module: procedure.module, name: procedure.name, args }) as Promise<R>;
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  /**
   * Refuses new work, waits for the statements in flight and the transactions open (their remaining statements
   * still run), closes the database in the worker, ends the worker and releases the data directory.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.stopped) {
        while (this.pending.size > 0 || this.openTransactions > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
        this.onIdle = null;
        await this.send({ op: 'close' }).catch(() => {});
      }
      await this.worker.terminate();
      if (this.dirLock) {
        // Files PGlite rewrote while running (0644 whatever the umask) are left owner-only at rest.
        makeOwnerOnly(this.dirLock.dir);
        await this.dirLock.release();
      }
    })();
    return this.closing;
  }

  /**
   * A full garbage collection in the worker, when the process runs with --expose-gc (nothing otherwise): the
   * bench's memory samples count the worker's heap, which the main thread's `gc()` does not collect.
   */
  async collectGarbage(): Promise<void> {
    await this.call({ op: 'collect-garbage' });
  }

  /** Called once if the worker stops without being closed (the node cannot serve without its store). */
  onStopped(listener: (error: StoreWorkerStoppedError) => void): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /**
   * Tests only: stops the worker as a fault would, by ending its thread (`terminate`) or by an uncaught error
   * thrown in it (`throw`).
   */
  async failWorkerForTest(how: 'terminate' | 'throw'): Promise<void> {
    if (how === 'terminate') await this.worker.terminate();
    else await this.send({ op: 'crash' });
  }

  /** A new call: refused once closing (the transactions still open finish theirs: `inTransaction`). */
  private call(request: Request, inTransaction = false): Promise<unknown> {
    if (this.closing && !inTransaction && !this.stopped) return Promise.reject(new Error('PGlite is closed'));
    return this.send(request);
  }

  private send(request: Request): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      try {
        this.worker.postMessage({ ...request, id });
      } catch (error) {
        // A parameter that cannot be cloned (a function, a class instance holding one).
        this.forget(id);
        reject(error as Error);
      }
    });
  }

  private settle(reply: StoreReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.forget(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(fromWireError(reply.error));
  }

  private forget(id: number): void {
    this.pending.delete(id);
    if (this.pending.size > 0) return;
    this.worker.unref();
    if (this.openTransactions === 0) this.onIdle?.();
  }

  /** The worker is gone: unless it was closed, everything waiting on it fails now, and everything later at once. */
  private stop(why: string, cause?: Error): void {
    if (this.stopped) return;
    if (this.closing && !cause) {
      // Ended by close: only a call still waiting (none, normally) has to learn it.
      this.ended = new Error('PGlite is closed');
      this.failPending(this.ended);
      return;
    }
    this.stopped = new StoreWorkerStoppedError(why, cause);
    this.failPending(this.stopped);
    for (const listener of this.stopListeners) listener(this.stopped);
  }

  private failPending(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.worker.unref();
    for (const p of pending) p.reject(error);
    this.onIdle?.();
  }
}

/** Starts the worker and waits until its database is open (or fails with why it could not be). */
function startWorker(data: StoreWorkerData): Promise<Worker> {
  // No inherited execArgv: a test runner's or inspector's flags are not the worker's.
  const worker = new Worker(workerSource(), { eval: true, workerData: data, execArgv: [] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new StoreWorkerStoppedError(`it exited with code ${code} while opening the database`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (ready: StoreReady) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (ready.ready) return resolve(worker);
      void worker.terminate();
      reject(fromWireError(ready.error));
    });
  });
}
