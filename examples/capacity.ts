// Capacity at a glance: the project's live metrics and the staffing estimate (Erlang C, corrected for chat
// concurrency), printed whenever the server pushes an update (at most once a second while something changes).
//
//   DESKWIRE_TOKEN='JWT eyJ…' npx tsx examples/capacity.ts [PROJECT_ID]
//
// `/P/metrics` is for owners, admins and supervisors: an agent's token gets SUBSCRIBE_FORBIDDEN.
import WebSocket from 'ws';
import { connect } from 'deskwire/client';
import { projectId, token, url } from './shared.js';

interface Metrics {
  now: { waiting: number; longest_wait_seconds: number | null; active_conversations: number; agents: { available: number; busy: number; unavailable: number } };
  windows: Record<'15m' | '60m', { arrivals: number; service_level: { value: number | null } }>;
  staffing: { agents_needed: number | null; agents_staffed: number; service_level_with_current: number | null } | null;
}

const pid = await projectId();
const client = connect({ url, token, WebSocket });

function report(m: Metrics): void {
  const sl = m.windows['15m'].service_level.value;
  const staffing = m.staffing
    ? `need ${m.staffing.agents_needed ?? '?'} agents, have ${m.staffing.agents_staffed}`
    : 'staffing: not enough data yet';
  console.log(
    `waiting ${m.now.waiting} (longest ${m.now.longest_wait_seconds ?? 0}s) · active ${m.now.active_conversations} · ` +
      `agents ${m.now.agents.available} available / ${m.now.agents.busy} busy · ` +
      `arrivals 15m ${m.windows['15m'].arrivals} · SL 15m ${sl === null ? '-' : `${Math.round(sl * 100)} %`} · ${staffing}`,
  );
}

client.subscribe<Metrics>(`/${pid}/metrics`, {
  onCreate: report,
  onUpdate: report,
  onError: (e) => {
    console.log(`metrics: ${e.code} ${e.message}`);
    client.close();
  },
});

process.on('SIGINT', () => {
  client.close();
  process.exit(0);
});
