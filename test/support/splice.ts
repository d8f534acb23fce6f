import type { Socket } from 'node:net';

/**
 * Joins two TCP sockets both ways, as a proxy does: when either side closes or fails, so does the other. Both are
 * tracked in `open` while they live, so the test can cut them all.
 */
export function splice(client: Socket, upstream: Socket, open: Set<Socket>): void {
  for (const s of [client, upstream]) {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => s.destroy());
  }
  client.pipe(upstream).pipe(client);
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
}
