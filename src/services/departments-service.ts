import { DeskwireError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Department } from '../domain/project.js';
import { isAdmin, isMember } from '../domain/roles.js';
import {
  deleteDepartment,
  getDepartment,
  insertDepartment,
  listDepartments,
  setDefaultDepartment,
  setDepartmentMembers,
  updateDepartment,
} from '../store/departments.js';
import { listProjectUsers } from '../store/project-users.js';
import type { Queryable } from '../store/db.js';
import { requireMembership, type Actor, type ServiceDeps } from './context.js';
import { emitProjectUsersOf } from './emit.js';
import { writeProject } from './project-write.js';

export interface DepartmentInput {
  name?: string;
  routing?: 'pooled' | 'assigned';
  /** User ids of member agents; replaces the list. */
  members?: string[];
  default?: boolean;
}

export class DepartmentsService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: Actor, projectId: string): Promise<Department[]> {
    const { projectUser } = await requireMembership(this.deps.db, projectId, actor);
    if (!isMember(projectUser.role)) throw new DeskwireError('FORBIDDEN');
    return listDepartments(this.deps.db, projectId);
  }

  async get(actor: Actor, projectId: string, id: string): Promise<Department> {
    const { projectUser } = await requireMembership(this.deps.db, projectId, actor);
    const department = await getDepartment(this.deps.db, projectId, id);
    if (!department || !isMember(projectUser.role)) throw new DeskwireError('NOT_FOUND');
    return department;
  }

  async create(actor: Actor, projectId: string, input: DepartmentInput & { name: string }): Promise<Department> {
    await this.requireAdmin(actor, projectId);
    const id = newId();
    await writeProject(this.deps, projectId, async ({ tx, outbox }) => {
      await insertDepartment(tx, { id, projectId, name: input.name, routing: input.routing ?? 'pooled', isDefault: false });
      if (input.default) await setDefaultDepartment(tx, projectId, id);
      if (input.members) {
        await checkMembers(tx, projectId, input.members);
        await emitProjectUsersOf(tx, outbox, projectId, await setDepartmentMembers(tx, id, input.members));
      }
    });
    return (await getDepartment(this.deps.db, projectId, id))!;
  }

  async update(actor: Actor, projectId: string, id: string, input: DepartmentInput): Promise<Department> {
    await this.requireAdmin(actor, projectId);
    await writeProject(this.deps, projectId, async ({ tx, outbox }) => {
      const current = await getDepartment(tx, projectId, id);
      if (!current) throw new DeskwireError('NOT_FOUND');
      if (input.default === false && current.default) throw new DeskwireError('CONFLICT', 'Make another department the default instead.');
      await updateDepartment(tx, projectId, id, input);
      if (input.default) await setDefaultDepartment(tx, projectId, id);
      if (input.members) {
        await checkMembers(tx, projectId, input.members);
        // Membership decides which pooled requests an agent sees: their project-user events carry the new list.
        await emitProjectUsersOf(tx, outbox, projectId, await setDepartmentMembers(tx, id, input.members));
      }
    });
    return (await getDepartment(this.deps.db, projectId, id))!;
  }

  async remove(actor: Actor, projectId: string, id: string): Promise<void> {
    await this.requireAdmin(actor, projectId);
    await writeProject(this.deps, projectId, async ({ tx, outbox }) => {
      const current = await getDepartment(tx, projectId, id);
      if (!current) throw new DeskwireError('NOT_FOUND');
      if (current.default) throw new DeskwireError('CONFLICT', 'The default department cannot be deleted.');
      await deleteDepartment(tx, projectId, id);
      await emitProjectUsersOf(tx, outbox, projectId, current.members);
    });
  }

  private async requireAdmin(actor: Actor, projectId: string): Promise<void> {
    const { projectUser } = await requireMembership(this.deps.db, projectId, actor);
    if (!isAdmin(projectUser.role)) throw new DeskwireError('FORBIDDEN');
  }
}

/** Department members must be desk members of the same project. */
async function checkMembers(tx: Queryable, projectId: string, userIds: string[]): Promise<void> {
  const members = new Set((await listProjectUsers(tx, projectId, ['owner', 'admin', 'supervisor', 'agent'])).map((pu) => pu.uuid_user));
  const strangers = userIds.filter((u) => !members.has(u));
  if (strangers.length > 0) throw new DeskwireError('BODY_INVALID', `Not agents of this project: ${strangers.join(', ')}`);
}
