import type { WebSocket } from 'ws';

/**
 * The outbound side of one connection. `ws` already queues what the socket has not taken; this caps that queue
 * so a client that stops reading costs bounded memory: past the cap, `onOverflow` ends the connection (4008)
 * and the client resumes later with `since`. A single frame is always accepted onto an empty queue.
 */
export class SendQueue {
  constructor(
    private readonly ws: WebSocket,
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
    this.ws.send(frame, { binary: false });
    return true;
  }
}
