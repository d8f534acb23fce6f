/**
 * The few REST calls the dashboard makes (docs/rest.md): sign-in, the project list, and the on-demand staffing
 * estimate. Everything live comes over the Realtime API through the SDK instead.
 */
import type { StaffingAnswer } from '../../src/domain/metrics.js';
import type { ProjectSettings, ProjectUser } from '../../src/domain/project.js';
import { ApiError, RestClient } from '../../src/client/rest-client.js';

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
  return api(token).get<ProjectUser>(`/${encodeURIComponent(projectId)}/project_users/me`);
}

export function staffing(token: string, projectId: string, target: number, within: number): Promise<StaffingAnswer> {
  const query = new URLSearchParams({ target: String(target), within: String(within) });
  return api(token).get<StaffingAnswer>(`/${encodeURIComponent(projectId)}/metrics/staffing?${query}`);
}
