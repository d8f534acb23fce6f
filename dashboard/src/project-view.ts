/**
 * One project's live page. A supervisor (owner, admin, supervisor) sees the desk: alerts, KPI tiles, queue and
 * conversations, the history, forecast and plan charts, agents and staffing. An agent sees what helps an agent: the
 * queue they can take from and their own conversations (the server filters the requests topic per subscriber, so
 * nothing here filters by role), and their own state with the available/away switch; the supervisor panels are not
 * shown to them at all. Anyone who takes chats gets the "my state" panel. Every subscription goes through one SDK
 * client, which reconnects and resumes by itself.
 */
import { connect, type DeskwireClient, type DeskwireClientError } from '../../src/client/index.js';
import type { ProjectMetrics } from '../../src/domain/metrics.js';
import type { ProjectUser } from '../../src/domain/project.js';
import type { Request } from '../../src/domain/request.js';
import { myProjectUser, type MyProject } from './api.js';
import { AgentsPanel } from './agents-panel.js';
import { AlertsPanel } from './alerts-panel.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { DeskCharts } from './desk-charts.js';
import { byId, note } from './dom.js';
import { KpiTiles } from './kpi-tiles.js';
import { MyStatePanel } from './my-state-panel.js';
import { QueuePanel, tick } from './queue-panel.js';
import type { Alert } from './server-types.js';
import { StaffingPanel } from './staffing-panel.js';
import { TranscriptPanel } from './transcript-panel.js';

const SUPERVISING = new Set(['owner', 'admin', 'supervisor']);
const forbidden = (e: DeskwireClientError) => e.code === 'SUBSCRIBE_FORBIDDEN';

export function openProject(project: MyProject, token: string, onSignedOut: (reason: string) => void): () => void {
  const client: DeskwireClient = connect({ url: location.origin, token });
  const indicator = new ConnectionIndicator(byId('connection'));
  client.on('state', (s) => {
    indicator.update(s);
    // Without getToken the session ends with the token; the page asks for a new sign-in.
    if (s.state === 'closed' && (s.error.code === 'TOKEN_EXPIRED' || s.error.code === 'USER_DISABLED' || s.error.code === 'REVOKED')) onSignedOut(s.error.message);
  });

  const supervising = SUPERVISING.has(project.role);
  byId('app').dataset.view = supervising ? 'supervisor' : 'agent';
  for (const el of document.querySelectorAll<HTMLElement>('.supervisor-only')) el.hidden = !supervising;
  byId('queue-title').textContent = supervising ? 'Queue' : 'Queue you can take';
  byId('active-title').textContent = supervising ? 'Active conversations' : 'Your conversations';
  byId('metrics-note').replaceChildren();

  const transcript = new TranscriptPanel(byId('transcript'), client, project.id);
  const queue = new QueuePanel(byId('queue'), byId('active'), (r) => transcript.open(r));
  const requests = client.liveList<Request>(`/${project.id}/requests`, {
    onChange: (items) => queue.render(items),
    onError: (e) => queue.showError(`Requests: ${e.message}`),
  });

  // "My state": for whoever takes chats (agents always; others with takes_chats), from their own live row.
  const mePanel = byId('me-panel');
  mePanel.hidden = true;
  const me = new MyStatePanel(byId('me'), project.settings, token, project.id);
  myProjectUser(token, project.id).then(
    (pu) => {
      if (pu.chat_state === null && supervising) return;
      mePanel.hidden = false;
      me.render(pu);
      client.liveList<ProjectUser>(`/${project.id}/project_users/users/${pu.uuid_user}`, {
        onChange: (items) => {
          const own = items.find((i) => i._id === pu._id);
          if (own) me.render(own);
        },
      });
    },
    (error) => {
      mePanel.hidden = false;
      note(byId('me'), `Your state: ${error instanceof Error ? error.message : String(error)}`, 'error');
    },
  );

  let closeSupervisor = () => {};
  if (supervising) closeSupervisor = openSupervisorPanels(client, project, token);

  const timer = setInterval(() => tick(document), 1000);
  return () => {
    clearInterval(timer);
    closeSupervisor();
    transcript.close();
    requests.close();
    client.close();
  };
}

/** The panels only owners, admins and supervisors get: alerts, tiles, charts, agents and staffing. */
function openSupervisorPanels(client: DeskwireClient, project: MyProject, token: string): () => void {
  const tiles = new KpiTiles(byId('kpis'));
  const agents = new AgentsPanel(byId('agents'), project.settings);
  const staffing = new StaffingPanel(byId('staffing'), token, project.id, { target: project.settings.service_level_target, within: project.settings.service_level_seconds });
  const charts = new DeskCharts(byId('charts'), byId('plan'), token, project.id);
  void charts.load();
  const alerts = new AlertsPanel(byId('alerts'));

  client.subscribe<ProjectMetrics>(`/${project.id}/metrics`, {
    onCreate: (m) => onMetrics(m),
    onUpdate: (m) => onMetrics(m),
    onError: (e) => {
      note(byId('metrics-note'), forbidden(e) ? 'Metrics are refused to this role.' : `Metrics: ${e.message}`, 'error');
      byId('kpis').replaceChildren();
    },
  });
  function onMetrics(m: ProjectMetrics): void {
    tiles.update(m);
    staffing.update(m.staffing, m.computed_at);
    charts.update(m);
  }

  client.liveList<Alert>(`/${project.id}/alerts`, {
    onChange: (items) => alerts.render(items),
    onError: (e) => alerts.showError(`Alerts: ${e.message}`),
  });

  client.liveList<ProjectUser>(`/${project.id}/project_users`, {
    onChange: (items) => agents.render(items),
    onError: (e) => agents.showError(`Agents: ${e.message}`),
  });

  const timer = setInterval(() => tiles.render(), 1000);
  return () => {
    clearInterval(timer);
    charts.destroy();
  };
}
