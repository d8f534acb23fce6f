// The Realtime API from Node with the `ws` package and nothing else: connect with a token, subscribe to a
// project's open requests, print every CREATE/UPDATE/DELETE, answer the server's heartbeats.
//
//   DESKWIRE_TOKEN='JWT eyJ…' node examples/node-raw.mjs [PROJECT_ID]
//
// DESKWIRE_URL defaults to http://127.0.0.1:3000 (what `npm start` serves). Without PROJECT_ID the first project
// of the token's user is used.
import WebSocket from 'ws';

const base = process.env.DESKWIRE_URL ?? 'http://127.0.0.1:3000';
const token = process.env.DESKWIRE_TOKEN;
if (!token) {
  console.error('Set DESKWIRE_TOKEN to a token: `npm start` prints one, POST /auth/signin returns one.');
  process.exit(2);
}

// Which project: the one given, or the first the REST API lists for this user.
let projectId = process.argv[2];
if (!projectId) {
  const response = await fetch(`${base}/projects`, { headers: { Authorization: token } });
  if (!response.ok) throw new Error(`GET /projects answered ${response.status}: ${await response.text()}`);
  projectId = (await response.json())[0]?.id;
  if (!projectId) throw new Error('This user belongs to no project.');
}
const topic = `/${projectId}/requests`;

// The token travels in the query string, exactly as Tiledesk clients send it (`JWT ` prefix and all).
const url = `${base.replace(/^http/, 'ws')}/v2/ws/?token=${encodeURIComponent(token)}`;
const ws = new WebSocket(url);

ws.on('open', () => {
  console.log(`connected, subscribing to ${topic}`);
  ws.send(JSON.stringify({ action: 'subscribe', payload: { topic } }));
});

ws.on('message', (data) => {
  let frame;
  try {
    frame = JSON.parse(data.toString());
  } catch {
    return; // the server only sends JSON, but a client should never crash on a bad frame
  }
  const { action, payload } = frame;
  if (action === 'heartbeat') {
    // The server pings every 30 s; answering keeps a quiet connection alive.
    if (payload.message?.text === 'ping') ws.send(JSON.stringify({ action: 'heartbeat', payload: { message: { text: 'pong' } } }));
    return;
  }
  if (action === 'error') {
    console.log(`error ${payload.code}: ${payload.message}`);
    return;
  }
  if (action !== 'publish' || payload.topic !== topic) return;
  // A snapshot is one CREATE whose message is an array; live events carry one object each.
  const items = Array.isArray(payload.message) ? payload.message : [payload.message];
  if (Array.isArray(payload.message)) console.log(`snapshot: ${items.length} open requests (seq ${payload.seq})`);
  for (const r of items) {
    console.log(`${payload.method} ${r.request_id} status=${r.status ?? '-'} ${JSON.stringify(r.first_text ?? '')} seq=${payload.seq}`);
  }
});

ws.on('unexpected-response', (_request, response) => {
  // Refused handshakes are plain HTTP answers with a JSON body that says why.
  let body = '';
  response.on('data', (chunk) => (body += chunk));
  response.on('end', () => {
    console.error(`refused: HTTP ${response.statusCode} ${body}`);
    process.exit(1);
  });
});
ws.on('close', (code, reason) => console.log(`closed ${code} ${reason}`));
ws.on('error', (error) => console.error(`connection error: ${error.message}`));

// Ctrl-C: unsubscribe and close politely.
process.on('SIGINT', () => {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ action: 'unsubscribe', payload: { topic } }));
  ws.close(1000);
  setTimeout(() => process.exit(0), 200).unref();
});
