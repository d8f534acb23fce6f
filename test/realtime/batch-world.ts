/**
 * A project for the snapshot batching tests, written with the outbox fixtures: supervising members, agents with
 * different department sets (one in none), a visitor-role user, a disabled agent, and open, assigned and closed
 * requests across the departments. `expectedList` is the oracle: the query loadTopic ran per subscriber before
 * snapshots were batched.
 */
import { isSupervising, type Role } from '../../src/domain/roles.js';
import type { Queryable } from '../../src/store/db.js';
import { getProjectUserByUser } from '../../src/store/project-users.js';
import { listRequests } from '../../src/store/requests.js';
import type { OutboxDesk } from '../support/outbox-desk.js';

export interface BatchMember {
  name: string;
  userId: string;
  projectUserId: string;
  role: Role;
}

export interface BatchWorld {
  projectId: string;
  departments: string[];
  /** Owner, admins and a supervisor: they see every request. */
  supervising: BatchMember[];
  /** Agents with different department sets; the first two take part in some requests. */
  agents: BatchMember[];
  visitor: BatchMember;
  disabled: BatchMember;
  /** A user of no role in the project. */
  stranger: string;
  requestIds: string[];
}

export async function buildBatchWorld(desk: OutboxDesk, opts: { admins?: number; requests?: number } = {}): Promise<BatchWorld> {
  const { projectId, departmentId } = await desk.project('Batch');
  const departments = [departmentId, await desk.department(projectId, 'Billing'), await desk.department(projectId, 'Sales')];
  const [d0, d1, d2] = departments as [string, string, string];
  const join = async (name: string, role: Role, depts: string[] = []): Promise<BatchMember> => {
    const userId = await desk.user(name);
    return { name, userId, role, projectUserId: await desk.member(projectId, userId, role, depts) };
  };
  const supervising = [await join('Owner', 'owner'), await join('Super', 'supervisor')];
  for (let i = 0; i < (opts.admins ?? 3); i++) supervising.push(await join(`Admin${i}`, 'admin'));
  // The last has the same departments as the first, who takes part in requests it does not see.
  const deptSets = [[d0], [d1], [d0, d1], [], [d2], [d1, d2], [d0, d2], [d0, d1, d2], [d0]];
  const agents: BatchMember[] = [];
  for (const [i, set] of deptSets.entries()) agents.push(await join(`Agent${i}`, 'agent', set));
  const visitor = await join('Visitor', 'user');
  const disabled = await join('Disabled', 'agent', [d0]);
  await desk.updateMember(projectId, disabled.projectUserId, { status: 'disabled' });
  const stranger = await desk.user('Stranger');

  const requestIds: string[] = [];
  const n = opts.requests ?? 24;
  for (let i = 0; i < n; i++) {
    const participants = i % 6 === 0 ? [agents[0]!.userId] : i % 6 === 1 ? [agents[1]!.userId, agents[2]!.userId] : [];
    const r = await desk.createRequest(projectId, { departmentId: i % 7 === 3 ? null : departments[i % 3]!, agents: participants, text: `r${i}` });
    requestIds.push(r.request_id);
    if (i % 5 === 4) await desk.close(projectId, r.request_id, supervising[0]!.userId);
    else if (i % 4 === 2) await desk.updateRequest(projectId, r.request_id, { tags: [`t${i}`] });
  }
  return { projectId, departments, supervising, agents, visitor, disabled, stranger, requestIds };
}

/** What `/P/requests` shows `userId` in the current state of `q`: the pre-batching query, per subscriber. */
export async function expectedList(q: Queryable, projectId: string, userId: string, limit = 100) {
  const pu = (await getProjectUserByUser(q, projectId, userId))!;
  const agent = isSupervising(pu.role) ? undefined : { userId, departmentIds: pu.departments };
  return listRequests(q, { projectId, statuses: null, openForRealtime: true, agent, limit, offset: 0 });
}
