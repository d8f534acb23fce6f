/**
 * One project's live page: one SDK connection, three subscriptions (metrics, requests, project users) and the
 * panels they feed. Role-awareness is the server's: the requests topic is filtered per subscriber and the metrics and
 * agents topics are refused to agents (SUBSCRIBE_FORBIDDEN), which the panels show as "not available for your
 * role" rather than as a failure.
 */
import { connect, type DeskwireClient, type DeskwireClientError } from '../../src/client/index.js';
import type { ProjectMetrics } from '../../src/domain/metrics.js';
import type { ProjectUser } from '../../src/domain/project.js';
import type { Request } from '../../src/domain/request.js';
import { myProjectUser, type MyProject } from './api.js';
import { AgentsPanel } from './agents-panel.js';
import { Charts } from './charts.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { byId, note } from './dom.js';
import { KpiTiles } from './kpi-tiles.js';
import { MetricsHistory } from './metrics-history.js';
import { QueuePanel, tick } from './queue-panel.js';
import { StaffingPanel } from './staffing-panel.js';

const forbidden = (e: DeskwireClientError) => e.code === 'SUBSCRIBE_FORBIDDEN';

export function openProject(project: MyProject, token: string, onSignedOut: (reason: string) => void): () => void {
  const client: DeskwireClient = connect({ url: location.origin, token });
  const indicator = new ConnectionIndicator(byId('connection'));
  client.on('state', (s) => {
    indicator.update(s);
    // Without getToken the session ends with the token; the page asks for a new sign-in.
    if (s.state === 'closed' && (s.error.code === 'TOKEN_EXPIRED' || s.error.code === 'USER_DISABLED' || s.error.code === 'REVOKED')) onSignedOut(s.error.message);
  });

  const history = new MetricsHistory();
  const tiles = new KpiTiles(byId('kpis'));
  const queue = new QueuePanel(byId('queue'), byId('active'));
  const agents = new AgentsPanel(byId('agents'), project.settings);
  const staffing = new StaffingPanel(byId('staffing'), token, project.id, { target: project.settings.service_level_target, within: project.settings.service_level_seconds });
  const chartsEl = byId('charts');
  let charts: Charts | null = null;
  byId('metrics-note').replaceChildren();

  const onMetrics = (m: ProjectMetrics) => {
    history.record(m);
    tiles.update(m);
    staffing.update(m.staffing);
    charts ??= new Charts(chartsEl, history);
    charts.redraw();
  };
  client.subscribe<ProjectMetrics>(`/${project.id}/metrics`, {
    onCreate: (m, meta) => {
      onMetrics(m);
      // The first estimate comes with the page; later ones when the supervisor asks.
      if (meta.snapshot) void staffing.estimate();
    },
    onUpdate: onMetrics,
    onError: (e) => {
      const text = forbidden(e) ? 'Metrics are not available for your role.' : `Metrics: ${e.message}`;
      note(byId('metrics-note'), text, forbidden(e) ? 'forbidden' : 'error');
      byId('kpis').replaceChildren();
      note(chartsEl, forbidden(e) ? 'Charts are not available for your role.' : text, forbidden(e) ? 'forbidden' : 'error');
      if (forbidden(e)) staffing.forbidden();
    },
  });

  const requests = client.liveList<Request>(`/${project.id}/requests`, {
    onChange: (items, change) => {
      queue.render(items);
      // Arrivals and closes per minute for the chart (a snapshot or reset is what was open before, not arrivals);
      // the topic announces a close as an UPDATE with status 1000.
      if (change.type === 'create') history.count('arrivals');
      else if (change.type === 'update' && change.item?.status === 1000) history.count('closes');
      charts?.redraw();
    },
    onError: (e) => queue.showError(`Requests: ${e.message}`),
  });

  client.liveList<ProjectUser>(`/${project.id}/project_users`, {
    onChange: (items) => agents.render(items),
    onError: (e) => {
      if (!forbidden(e)) return agents.showError(`Agents: ${e.message}`);
      agents.forbidden();
      // An agent may follow their own row (by user id): their status, load and busy flag, live.
      myProjectUser(token, project.id).then(
        (me) => client.liveList<ProjectUser>(`/${project.id}/project_users/users/${me.uuid_user}`, { onChange: (items) => agents.render(items) }),
        () => {}, // the note already says the table is not available; the own row is a bonus
      );
    },
  });

  const timer = setInterval(() => {
    tick(document);
    tiles.render();
  }, 1000);
  return () => {
    clearInterval(timer);
    charts?.destroy();
    requests.close();
    client.close();
  };
}
