import { RequestStatus } from '../domain/request.js';
import type { Department } from '../domain/project.js';
import type { Queryable } from '../store/db.js';
import { pickAssignee } from '../store/project-users.js';

export interface RoutingDecision {
  status: number;
  /** User ids of the agents the request starts with. */
  agents: string[];
}

/**
 * Where a new request goes. Pooled: it waits (100) for any available agent of the department. Assigned: the
 * available, not busy agent with the least load gets it (200), ties round-robin; nobody free → it waits (100).
 */
export async function routeNewRequest(tx: Queryable, projectId: string, department: Department | null): Promise<RoutingDecision> {
  if (!department || department.routing === 'pooled') return { status: RequestStatus.UNSERVED, agents: [] };
  const agent = await pickAssignee(tx, projectId, department.id);
  return agent ? { status: RequestStatus.ASSIGNED, agents: [agent] } : { status: RequestStatus.UNSERVED, agents: [] };
}
