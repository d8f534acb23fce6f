/**
 * Baseline: a plain `ws` server that does only what a fan-out must — one serialization per event, then writes.
 *   --mode=per-event  one socket write per event per subscriber (ws sends each frame with one write);
 *   --mode=coalesced  per tick, each subscriber's due frames are corked and leave in one write (writev).
 * It speaks the subset of deskwire's protocol the load generator uses: `subscribe` answered by an empty snapshot.
 */
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveBaseline } from './baseline-serve.js';
import { TopicSeqs, type SyntheticEvent } from './pacer.js';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'per-event' } } });
const coalesced = values.mode === 'coalesced';

const topics = new Map<string, Set<WebSocket>>();
const seqs = new TopicSeqs();
let connections = 0;
const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws) => {
  connections++;
  const mine = new Set<string>();
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as { action?: string; payload?: { topic?: string } };
    const topic = frame.payload?.topic;
    if (frame.action !== 'subscribe' || typeof topic !== 'string') return;
    let subs = topics.get(topic);
    if (!subs) topics.set(topic, (subs = new Set()));
    subs.add(ws);
    mine.add(topic);
    ws.send(JSON.stringify({ action: 'publish', payload: { topic, method: 'CREATE', message: [], seq: seqs.current(topic), epoch: 'baseline' } }));
  });
  ws.on('close', () => {
    connections--;
    for (const t of mine) topics.get(t)?.delete(ws);
  });
  ws.on('error', () => {});
});

function rawSocket(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

function send(batch: SyntheticEvent[]): void {
  // Serialize once per event; every subscriber gets the same buffer.
  const byTopic = new Map<string, Buffer[]>();
  for (const e of batch) {
    let frames = byTopic.get(e.topic);
    if (!frames) byTopic.set(e.topic, (frames = []));
    frames.push(Buffer.from(JSON.stringify({ action: 'publish', payload: e.payload })));
  }
  for (const [topic, frames] of byTopic) {
    const subs = topics.get(topic);
    if (!subs) continue;
    if (coalesced) {
      for (const ws of subs) {
        const socket = rawSocket(ws);
        socket.cork();
        for (const f of frames) ws.send(f, { binary: false });
        socket.uncork();
      }
    } else {
      for (const f of frames) for (const ws of subs) ws.send(f, { binary: false });
    }
  }
}

serveBaseline({ http, kind: `ws-${values.mode}`, scheme: 'ws', connections: () => connections, seqs, send });
