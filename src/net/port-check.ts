/**
 * A port already in use is found before anything else happens: the store is not opened, migrated or locked, and the
 * operator reads one line naming the port instead of a stack trace after a migration.
 */
import { createServer } from 'node:net';

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use (another deskwire, or another program): stop it, or choose another PORT`);
    this.name = 'PortInUseError';
  }
}

/** Resolves when `host:port` can be listened on now; PORT 0 (any free port) always can. */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
