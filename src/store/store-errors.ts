const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/** True when the store could not be reached (as opposed to a query that failed): the caller gets 503. */
export function isStoreUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && connectionErrorCodes.has(e.code)) return true;
  if (error instanceof StoreWorkerStoppedError) return true;
  const message = e.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is closed/i.test(message);
}

/** A command that reads a store was pointed at a directory (or database) that holds none, and was not asked to create one. */
export class StoreMissingError extends Error {
  constructor(readonly where: string) {
    super(`no deskwire store in ${where}: check DATA_DIR (or DATABASE_URL), start the server once to create it, or pass --init`);
    this.name = 'StoreMissingError';
  }
}

/** The embedded store's worker thread stopped without being closed: the node has no store until it restarts. */
export class StoreWorkerStoppedError extends Error {
  constructor(why: string, cause?: Error) {
    super(`the embedded store's worker thread stopped (${why}): the node cannot serve without its store`, cause ? { cause } : undefined);
    this.name = 'StoreWorkerStoppedError';
  }
}
