// The SDK's live collections: an always-current list of open requests and of the project's agents, kept from a
// snapshot plus events, through reconnects (the SDK resumes with `since`, so nothing is missed or doubled).
//
//   DESKWIRE_TOKEN='JWT eyJ…' npx tsx examples/sdk-live-list.ts [PROJECT_ID]
import WebSocket from 'ws';
import { connect } from 'deskwire/client';
import { projectId, token, url } from './shared.js';

interface Request {
  request_id: string;
  status: number;
  first_text: string;
}
interface ProjectUser {
  _id: string;
  role: string;
  id_user: { firstname: string; lastname: string };
  presence: { status: string };
  number_assigned_requests: number;
  isBusy: boolean;
}

const pid = await projectId();
const client = connect({ url, token, WebSocket });
client.on('state', (s) => console.log(`connection: ${s.state}`));

const requests = client.liveList<Request>(`/${pid}/requests`, {
  onChange(items, change) {
    const what = change.type === 'snapshot' ? 'snapshot' : `${change.type} ${change.item?.request_id ?? ''}`;
    console.log(`requests: ${items.length} open after ${what}`);
  },
});
// Owners, admins and supervisors may follow the agents; an agent's token gets an error here instead.
const agents = client.liveList<ProjectUser>(`/${pid}/project_users`, {
  onChange(items) {
    const line = items.map((a) => `${a.id_user.firstname} ${a.presence.status}${a.isBusy ? ' (busy)' : ''} ${a.number_assigned_requests}`).join(', ');
    console.log(`agents: ${line}`);
  },
  onError: (error) => console.log(`agents: ${error.code} ${error.message}`),
});

await requests.ready;
console.log(`ready: ${requests.items().length} open requests, newest first`);
await agents.ready.catch(() => undefined);

process.on('SIGINT', () => {
  client.close();
  process.exit(0);
});
