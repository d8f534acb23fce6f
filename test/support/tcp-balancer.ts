import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { splice } from './splice.js';

/**
 * A round-robin TCP load balancer for tests of several nodes: each new connection goes to the next backend that
 * accepts it (a refused backend is skipped), as a load balancer with health checks would.
 */
export class TcpBalancer {
  private server: Server | null = null;
  private next = 0;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly backends: number[]) {}

  async start(): Promise<void> {
    const server = createServer((client) => this.route(client, 0));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Routes to a backend (again). */
  add(port: number): void {
    if (!this.backends.includes(port)) this.backends.push(port);
  }

  /** Stops routing to a backend (a drained or dead node); its open connections are left alone. */
  remove(port: number): void {
    const i = this.backends.indexOf(port);
    if (i >= 0) this.backends.splice(i, 1);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private route(client: Socket, tried: number): void {
    client.pause();
    if (tried >= this.backends.length) {
      client.destroy();
      return;
    }
    const port = this.backends[this.next++ % this.backends.length]!;
    const upstream = connect(port, '127.0.0.1');
    upstream.once('error', () => {
      upstream.destroy();
      if (!client.destroyed) this.route(client, tried + 1);
    });
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      splice(client, upstream, this.sockets);
      client.resume();
    });
  }
}
