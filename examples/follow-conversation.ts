// Follow one conversation: subscribe to a request and its messages, post a reply through REST, see it arrive.
//
//   DESKWIRE_TOKEN='JWT eyJ…' npx tsx examples/follow-conversation.ts [PROJECT_ID] [REQUEST_ID]
//
// Without REQUEST_ID the newest open request is followed.
import WebSocket from 'ws';
import { connect } from 'deskwire/client';
import { projectId, rest, token, url } from './shared.js';

interface Message {
  _id: string;
  senderFullname: string;
  text: string;
}

const pid = await projectId();
const page = await rest<{ requests: { request_id: string }[] }>('GET', `/${pid}/requests?limit=1`);
const rid = process.argv[3] ?? page.requests[0]?.request_id;
if (!rid) throw new Error('No open request to follow: start one first (a visitor message, see the README).');

const client = connect({ url, token, WebSocket });
client.subscribe(`/${pid}/requests/${rid}`, {
  onCreate: (r) => console.log(`request ${r.request_id}: status ${r.status}`),
  onUpdate: (r) => console.log(`request updated: status ${r.status}, waiting_time ${r.waiting_time ?? '-'} ms`),
  onError: (e) => console.log(`request: ${e.code} ${e.message}`),
});

let replied = false;
client.subscribe<Message>(`/${pid}/requests/${rid}/messages`, {
  // The snapshot: the newest 300 messages, oldest first.
  onSnapshot: async (messages) => {
    for (const m of messages) console.log(`  ${m.senderFullname}: ${m.text}`);
    if (replied) return;
    replied = true;
    // A reply through REST comes back on the socket like any other message.
    await rest('POST', `/${pid}/requests/${rid}/messages`, { text: 'Thanks, I am looking into it.' });
  },
  onCreate: (m, meta) => {
    if (!meta.snapshot) console.log(`new message (seq ${meta.seq}) ${m.senderFullname}: ${m.text}`);
  },
});

process.on('SIGINT', () => {
  client.close();
  process.exit(0);
});
