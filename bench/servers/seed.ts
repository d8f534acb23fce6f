/**
 * Seeds projects fast enough for tens of thousands of connections: users, project users and department members
 * go in with one SQL statement each (no password hash: scrypt costs ~50 ms a user, and nobody signs in with a
 * password here), tokens come from the token service. Requests go through the real services so their events,
 * leads and routing are exactly what production produces.
 */
import { newId } from '../../src/domain/ids.js';
import type { Services } from '../../src/services/services.js';
import type { TokenService } from '../../src/services/tokens.js';
import type { Db } from '../../src/store/db.js';
import { insertDepartment } from '../../src/store/departments.js';

export interface SeedShape {
  projects: number;
  /** Per project: agents spread over the departments (each sees the unassigned requests of their pool). */
  agents: number;
  /** Per project: admins and supervisors (they see every request). */
  admins: number;
  departments: number;
  /** Per project: open unassigned requests, spread over the departments. */
  requests: number;
}

export interface SeededUser {
  token: string;
  userId: string;
  projectUserId: string;
  role: 'admin' | 'supervisor' | 'agent';
  /** The department an agent pools in; null for those who see everything. */
  department: string | null;
}

export interface SeededProject {
  id: string;
  ownerToken: string;
  departments: string[];
  requests: { id: string; department: string }[];
  users: SeededUser[];
}

async function insertUsers(db: Db, ids: string[], label: string): Promise<void> {
  await db.query(
    `INSERT INTO users (id, email, password_hash, firstname, lastname)
     SELECT id, NULL, NULL, $2, 'Bench ' || ord FROM unnest($1::text[]) WITH ORDINALITY AS t(id, ord)`,
    [ids, label],
  );
}

export async function seedProject(db: Db, services: Services, tokens: TokenService, shape: SeedShape, index: number): Promise<SeededProject> {
  const ownerId = newId();
  await insertUsers(db, [ownerId], 'Owner');
  const project = await services.projects.create({ userId: ownerId }, `Bench project ${index}`);
  const departments = Array.from({ length: shape.departments }, () => newId());
  for (const [i, id] of departments.entries()) await insertDepartment(db, { id, projectId: project.id, name: `Pool ${i}`, routing: 'pooled', isDefault: false });

  const userIds = Array.from({ length: shape.agents + shape.admins }, () => newId());
  await insertUsers(db, userIds, 'Member');
  // Admins first, then agents; one in five of the "everything" group is a supervisor.
  const roles = userIds.map((_, i) => (i < shape.admins ? (i % 5 === 4 ? 'supervisor' : 'admin') : 'agent'));
  const puIds = userIds.map(() => newId());
  await db.query(`INSERT INTO project_users (id, project_id, user_id, role) SELECT pu, $1, u, r FROM unnest($2::text[], $3::text[], $4::text[]) AS t(pu, u, r)`, [
    project.id,
    puIds,
    userIds,
    roles,
  ]);
  const agentDept = (i: number) => departments[(i - shape.admins) % departments.length]!;
  const agentIdx = userIds.map((_, i) => i).filter((i) => roles[i] === 'agent');
  if (agentIdx.length > 0) {
    await db.query(`INSERT INTO department_members (department_id, user_id) SELECT d, u FROM unnest($1::text[], $2::text[]) AS t(d, u)`, [
      agentIdx.map(agentDept),
      agentIdx.map((i) => userIds[i]!),
    ]);
  }

  // A visitor opens the requests, so they are routed to the pools (unassigned): agents see their pool's only.
  const visitor = await services.auth.signinAnonymously({ projectId: project.id, firstname: 'Visitor' });
  const requests: SeededProject['requests'] = [];
  for (let r = 0; r < shape.requests; r++) {
    const id = `bench-${index}-${r}`;
    const department = departments[r % departments.length]!;
    await services.messages.post({ userId: visitor.user.id }, project.id, id, { text: 'Hello, I need help with my order.', departmentid: department });
    requests.push({ id, department });
  }

  const issue = async (id: string) => (await tokens.issue({ id, email: null, firstname: 'Bench', lastname: 'User' })).token;
  const users: SeededUser[] = [];
  for (const [i, userId] of userIds.entries()) {
    const role = roles[i] as SeededUser['role'];
    users.push({ token: await issue(userId), userId, projectUserId: puIds[i]!, role, department: role === 'agent' ? agentDept(i) : null });
  }
  return { id: project.id, ownerToken: await issue(ownerId), departments, requests, users };
}
