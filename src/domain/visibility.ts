import { isAdmin, isSupervising, type Role } from './roles.js';

/** What the visibility rule needs to know about a request: small enough to travel inside every event. */
export interface RequestScope {
  departmentId: string | null;
  /** User ids of the agents taking part. */
  agents: string[];
  /** User id of the visitor who started it. */
  requesterUserId: string | null;
}

/** Who is looking. */
export interface Viewer {
  userId: string;
  role: Role;
  /** Departments the viewer is a member of. */
  departmentIds: readonly string[];
  /** A disabled project user sees nothing. */
  active: boolean;
}

/**
 * The one visibility rule (PROTOCOL §3), for REST reads, snapshots, live events and replays alike:
 * supervising roles see every request; an agent sees the requests they take part in and the unassigned ones
 * in a department pool they belong to; a visitor sees only the requests they started.
 */
export function canSeeRequest(viewer: Viewer, scope: RequestScope): boolean {
  if (!viewer.active) return false;
  if (isSupervising(viewer.role)) return true;
  if (viewer.role === 'agent') {
    if (scope.agents.includes(viewer.userId)) return true;
    return scope.agents.length === 0 && scope.departmentId !== null && viewer.departmentIds.includes(scope.departmentId);
  }
  return scope.requesterUserId !== null && scope.requesterUserId === viewer.userId;
}

/**
 * Who reads a project user's private fields (`last_ip`, `attributes`): owners, admins and the person themself.
 * REST and the Realtime API both ask this one rule, so the two transports cannot drift apart.
 */
export function canSeePrivateFields(viewer: Pick<Viewer, 'userId' | 'role'>, userId: unknown): boolean {
  return isAdmin(viewer.role) || userId === viewer.userId;
}
