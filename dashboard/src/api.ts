/**
 * The few REST calls the dashboard makes (docs/rest.md): sign-in, the project list, the history and forecast the
 * charts start from, the on-demand staffing estimate, and the signed-in member's own availability switch.
 * Everything live comes over the Realtime API through the SDK instead.
 */
import type { StaffingAnswer } from '../../src/domain/metrics.js';
import type { ProjectSettings, ProjectUser } from '../../src/domain/project.js';
import { ApiError, RestClient } from '../../src/client/rest-client.js';
import type { ForecastAnswer, HistoryAnswer } from './server-types.js';

export interface MyProject {
  id: string;
  name: string;
  role: string;
  settings: ProjectSettings;
}

export { ApiError, normalizeToken } from '../../src/client/rest-client.js';

/** The page's own origin: sign-in is anonymous, every other call carries the signed-in token. */
function api(token: string | null = null): RestClient {
  return new RestClient('', token);
}

const p = (projectId: string) => `/${encodeURIComponent(projectId)}`;

/** What to show a person for a failed call: the server's sentence for a refusal, else the error's own message. */
export function failureText(error: unknown): string {
  return error instanceof ApiError ? error.reason : error instanceof Error ? error.message : String(error);
}

/** POST /auth/signin: the token comes back as "JWT eyJ…", which is what both REST and the SDK take. */
export async function signIn(email: string, password: string): Promise<string> {
  const answer = await api().post<{ token: string }>('/auth/signin', { email, password });
  return answer.token;
}

export function myProjects(token: string): Promise<MyProject[]> {
  return api(token).get<MyProject[]>('/projects');
}

/** The caller's own project user: an agent's page follows its own row by user id. */
export function myProjectUser(token: string, projectId: string): Promise<ProjectUser> {
  return api(token).get<ProjectUser>(`${p(projectId)}/project_users/me`);
}

/** PUT /:pid/project_users: the caller's own availability switch (any desk member, for themselves only). */
export function setMyAvailability(token: string, projectId: string, available: boolean): Promise<ProjectUser> {
  return api(token).put<ProjectUser>(`${p(projectId)}/project_users`, { user_available: available });
}

export function staffing(token: string, projectId: string, target: number, within: number): Promise<StaffingAnswer> {
  const query = new URLSearchParams({ target: String(target), within: String(within) });
  return api(token).get<StaffingAnswer>(`${p(projectId)}/metrics/staffing?${query}`);
}

/** GET /:pid/metrics/history: the server's interval history, every interval overlapping [from, to). */
export function history(token: string, projectId: string, fromMs: number, toMs: number): Promise<HistoryAnswer> {
  const query = new URLSearchParams({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), interval: '15m' });
  return api(token).get<HistoryAnswer>(`${p(projectId)}/metrics/history?${query}`);
}

/** GET /:pid/metrics/forecast: arrivals per 15 minutes from the current interval, each with its agents_needed. */
export function forecast(token: string, projectId: string, horizonHours: number): Promise<ForecastAnswer> {
  return api(token).get<ForecastAnswer>(`${p(projectId)}/metrics/forecast?horizon=${horizonHours}h&interval=15m`);
}
