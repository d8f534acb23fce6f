import { randomBytes } from 'node:crypto';
import { DeskwireError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { defaultProjectSettings, type Project } from '../domain/project.js';
import { insertDepartment, setDepartmentMembers } from '../store/departments.js';
import { findProject, insertProject, listProjectsOfUser, toProject } from '../store/projects.js';
import { insertProjectUser, listProjectUsers } from '../store/project-users.js';
import { isAdmin, memberRoles } from '../domain/roles.js';
import { requireMembership, type Actor, type ServiceDeps } from './context.js';
import { emitProjectUser, emitProjectUsersOf } from './emit.js';
import { writeProject } from './project-write.js';

export class ProjectsService {
  constructor(private readonly deps: ServiceDeps) {}

  /** The caller becomes the owner; a default pooled department is created with them in it. */
  async create(actor: Actor, name: string): Promise<Project> {
    const id = newId();
    await this.deps.db.transaction(async (tx) => {
      await insertProject(tx, { id, name, epoch: randomBytes(8).toString('hex'), settings: defaultProjectSettings });
    });
    await writeProject(this.deps, id, async ({ tx, outbox }) => {
      const puId = newId();
      await insertProjectUser(tx, { id: puId, projectId: id, userId: actor.userId, role: 'owner' });
      const departmentId = newId();
      await insertDepartment(tx, { id: departmentId, projectId: id, name: 'Default Department', routing: 'pooled', isDefault: true });
      await setDepartmentMembers(tx, departmentId, [actor.userId]);
      await emitProjectUser(tx, outbox, id, puId, 'CREATE');
    });
    return this.get(actor, id);
  }

  async listMine(actor: Actor): Promise<(Project & { role: string })[]> {
    const rows = await listProjectsOfUser(this.deps.db, actor.userId);
    return rows.map((row) => ({ ...toProject(row), role: row.role }));
  }

  /** Owner/admin: rename or change settings. Busy states may change, so every agent gets an UPDATE. */
  async update(actor: Actor, projectId: string, patch: SettingsPatch): Promise<Project> {
    const { projectUser } = await requireMembership(this.deps.db, projectId, actor);
    if (!isAdmin(projectUser.role)) throw new DeskwireError('FORBIDDEN');
    await writeProject(this.deps, projectId, async ({ tx, outbox, project }) => {
      const settings = { ...defaultProjectSettings, ...project.settings, ...patch.settings };
      await tx.query('UPDATE projects SET name = $2, settings = $3, updated_at = now() WHERE id = $1', [
        projectId,
        patch.name ?? project.name,
        JSON.stringify(settings),
      ]);
      if (patch.settings) {
        const agents = await listProjectUsers(tx, projectId, memberRoles);
        await emitProjectUsersOf(tx, outbox, projectId, agents.map((pu) => pu.uuid_user));
      }
    });
    return this.get(actor, projectId);
  }

  async get(actor: Actor, projectId: string): Promise<Project> {
    await requireMembership(this.deps.db, projectId, actor);
    const row = await findProject(this.deps.db, projectId);
    if (!row) throw new DeskwireError('NOT_FOUND', 'No such project.');
    return toProject(row);
  }
}

export interface SettingsPatch {
  name?: string;
  settings?: Partial<Project['settings']>;
}
