import type { ServiceDeps } from './context.js';
import { AlertsService } from './alerts-service.js';
import { AnalyticsService } from './analytics-service.js';
import { AuthService } from './auth-service.js';
import { ContactEventsService } from './contact-events-service.js';
import { DepartmentsService } from './departments-service.js';
import { ForecastService } from './forecast-service.js';
import { HistoryService } from './history-service.js';
import { MessagesService } from './messages-service.js';
import { MetricsService } from './metrics-service.js';
import { ProjectsService } from './projects-service.js';
import { ProjectUsersService } from './project-users-service.js';
import { RequestsService } from './requests-service.js';
import type { TokenService } from './tokens.js';

/** The use cases, one object per area; REST, the CLI and tests all go through these. */
export interface Services {
  auth: AuthService;
  projects: ProjectsService;
  projectUsers: ProjectUsersService;
  departments: DepartmentsService;
  requests: RequestsService;
  messages: MessagesService;
  /** Tiledesk's events API (contact events; not the outbox). */
  events: ContactEventsService;
  metrics: MetricsService;
  history: HistoryService;
  forecast: ForecastService;
  alerts: AlertsService;
  /** Tiledesk's analytics routes, from the interval history. */
  analytics: AnalyticsService;
}

export function createServices(deps: ServiceDeps, tokens: TokenService): Services {
  const forecast = new ForecastService(deps);
  return {
    auth: new AuthService(deps, tokens),
    projects: new ProjectsService(deps),
    projectUsers: new ProjectUsersService(deps),
    departments: new DepartmentsService(deps),
    requests: new RequestsService(deps),
    messages: new MessagesService(deps),
    events: new ContactEventsService(deps),
    metrics: new MetricsService(deps),
    history: new HistoryService(deps),
    forecast,
    alerts: new AlertsService(deps, forecast),
    analytics: new AnalyticsService(deps),
  };
}
