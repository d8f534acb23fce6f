/**
 * The few REST calls the dashboard makes (docs/rest.md): sign-in, the project list, and the on-demand staffing
 * estimate. Everything live comes over the Realtime API through the SDK instead.
 */
import type { StaffingAnswer } from '../../src/domain/metrics.js';
import type { ProjectSettings, ProjectUser } from '../../src/domain/project.js';

export interface MyProject {
  id: string;
  name: string;
  role: string;
  settings: ProjectSettings;
}

/** A REST failure with the catalogue's code, so the page can say "not available for your role" for FORBIDDEN. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = init.token;
  const response = await fetch(path, { ...init, headers });
  const body = (await response.json().catch(() => null)) as (T & { error?: string; message?: string }) | null;
  if (!response.ok) throw new ApiError(response.status, body?.error ?? 'HTTP_' + response.status, body?.message ?? response.statusText);
  return body as T;
}

/** POST /auth/signin: the token comes back as "JWT eyJ…", which is what both REST and the SDK take. */
export async function signIn(email: string, password: string): Promise<string> {
  const answer = await call<{ token: string }>('/auth/signin', { method: 'POST', body: JSON.stringify({ email, password }) });
  return answer.token;
}

export function myProjects(token: string): Promise<MyProject[]> {
  return call<MyProject[]>('/projects', { token });
}

/** The caller's own project user: an agent's page follows its own row by user id. */
export function myProjectUser(token: string, projectId: string): Promise<ProjectUser> {
  return call<ProjectUser>(`/${encodeURIComponent(projectId)}/project_users/me`, { token });
}

export function staffing(token: string, projectId: string, target: number, within: number): Promise<StaffingAnswer> {
  const query = new URLSearchParams({ target: String(target), within: String(within) });
  return call<StaffingAnswer>(`/${encodeURIComponent(projectId)}/metrics/staffing?${query}`, { token });
}

/** A pasted token may lack the scheme; REST and the Realtime API both accept "JWT <jwt>". */
export function normalizeToken(raw: string): string {
  const token = raw.trim();
  return /^(JWT|Bearer) /i.test(token) ? token : `JWT ${token}`;
}
