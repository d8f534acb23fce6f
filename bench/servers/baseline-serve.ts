/**
 * What the baseline servers share once they listen: the bench's RPC (process stats, a GC, paced changes handed to the
 * server's own `send`) and the announce line on stdout. They differ only in how a batch reaches its subscribers.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveRpc } from '../lib/rpc.js';
import type { ServerAnnounce } from '../lib/types.js';
import { pace, type SyntheticEvent, type TopicSeqs } from './pacer.js';
import { collectGarbage, processStats } from './process-stats.js';

export interface Baseline {
  http: Server;
  /** The announced kind, e.g. `socketio` or `ws-coalesced`. */
  kind: string;
  /** The scheme clients connect with. */
  scheme: 'http' | 'ws';
  connections: () => number;
  seqs: TopicSeqs;
  send: (batch: SyntheticEvent[]) => void;
}

export function serveBaseline(b: Baseline): void {
  serveRpc({
    stats: () => processStats(b.connections()),
    async gcStats() {
      await collectGarbage();
      return processStats(b.connections());
    },
    emit: (req) => pace(req as unknown as Parameters<typeof pace>[0], b.seqs, b.send),
  });

  b.http.listen(0, '127.0.0.1', () => {
    const { port } = b.http.address() as AddressInfo;
    const announce: ServerAnnounce = { kind: b.kind, url: `${b.scheme}://127.0.0.1:${port}`, pid: process.pid };
    process.stdout.write(`${JSON.stringify(announce)}\n`);
  });
}
