import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Corkable, WriteCoalescer } from './write-coalescer.js';

/**
 * The outbound side of one connection. `ws` already queues what the socket has not taken; this caps that queue
 * so a client that stops reading costs bounded memory: past the cap, `onOverflow` ends the connection (4008)
 * and the client resumes later with `since`. A single frame is always accepted onto an empty queue. Frames sent
 * while the hub dispatches leave together with the rest of that dispatch (see `WriteCoalescer`).
 */
export class SendQueue implements Corkable {
  heldIn = 0;

  constructor(
    private readonly ws: WebSocket,
    /** The connection's TCP (or TLS) socket, under `ws`: corking it holds `ws`'s writes until the batch ends. */
    private readonly socket: Duplex,
    private readonly writes: WriteCoalescer,
    private readonly maxBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  push(frame: Buffer | string): boolean {
    const size = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    const buffered = this.ws.bufferedAmount;
    if (buffered > 0 && buffered + size > this.maxBytes) {
      this.onOverflow();
      return false;
    }
    this.writes.hold(this);
    this.ws.send(frame, { binary: false });
    return true;
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }
}
