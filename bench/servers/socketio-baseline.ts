/**
 * Baseline: Socket.IO 4 room broadcast (websocket transport only, no compression). A `subscribe` joins the room
 * named by the topic and is answered by an empty snapshot; each change is one `io.to(topic).emit`, which encodes
 * the packet once and writes it to every member.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { serveBaseline } from './baseline-serve.js';
import { TopicSeqs, type SyntheticEvent } from './pacer.js';

const seqs = new TopicSeqs();
const http = createServer();
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
let connections = 0;

io.on('connection', (socket) => {
  connections++;
  socket.on('subscribe', (p: { topic?: unknown }) => {
    if (typeof p?.topic !== 'string') return;
    const topic = p.topic;
    void socket.join(topic);
    socket.emit('publish', { topic, method: 'CREATE', message: [], seq: seqs.current(topic), epoch: 'baseline' });
  });
  socket.on('disconnect', () => connections--);
});

function send(batch: SyntheticEvent[]): void {
  for (const e of batch) io.to(e.topic).emit('publish', e.payload);
}

serveBaseline({ http, kind: 'socketio', scheme: 'http', connections: () => connections, seqs, send });
