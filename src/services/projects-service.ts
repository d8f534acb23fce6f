import { randomBytes } from 'node:crypto';
import { DeskwireError } from '../domain/errors.js';
import type { LimitOverrides, OverridableLimit } from '../domain/limit-overrides.js';
import { newId } from '../domain/ids.js';
import { defaultProjectSettings, type Project } from '../domain/project.js';
import { insertDepartment, setDepartmentMembers } from '../store/departments.js';
import { lockLimitOverrides, readLimitOverrides, writeLimitOverrides } from '../store/project-limits.js';
import { findProject, insertProject, listProjectsOfUser, toProject, updateProjectSettings } from '../store/projects.js';
import { insertProjectUser, listProjectUsers } from '../store/project-users.js';
import { isAdmin, memberRoles } from '../domain/roles.js';
import { requireMembership, type Actor, type ServiceDeps } from './context.js';
import { emitProjectUser, emitProjectUsersOf } from './emit.js';
import { writeProject } from './project-write.js';
import { routeWaitingTo } from './waiting-routing.js';

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
      // Alert rules are patched rule by rule: setting one leaves the others as they were.
      if (patch.settings?.alerts) settings.alerts = { ...project.settings.alerts, ...patch.settings.alerts };
      await updateProjectSettings(tx, projectId, patch.name ?? project.name, settings);
      if (patch.settings) {
        const agents = await listProjectUsers(tx, projectId, memberRoles);
        await emitProjectUsersOf(tx, outbox, projectId, agents.map((pu) => pu.uuid_user));
        // A higher chat limit or presence no longer required: members may now take requests that waited.
        await routeWaitingTo({ tx, outbox, project: { ...project, settings } }, agents.map((pu) => pu.uuid_user));
      }
    });
    return this.get(actor, projectId);
  }

  /** The project's limit overrides (no access check: the rate limiter reads them on every request). */
  async limitOverrides(projectId: string): Promise<LimitOverrides> {
    return readLimitOverrides(this.deps.db, projectId);
  }

  /**
   * Owner only: sets (a number) or removes (null) limit overrides for the project, each at most `ceiling(limit)`.
   * They apply to the next request or connection, on every node.
   */
  async setLimitOverrides(
    actor: Actor,
    projectId: string,
    patch: Partial<Record<OverridableLimit, number | null>>,
    ceiling: (limit: OverridableLimit) => number,
  ): Promise<LimitOverrides> {
    const { projectUser } = await requireMembership(this.deps.db, projectId, actor);
    if (projectUser.role !== 'owner') throw new DeskwireError('FORBIDDEN', 'Only the project owner changes its limits.');
    for (const [limit, value] of Object.entries(patch) as [OverridableLimit, number | null][]) {
      if (value !== null && value > ceiling(limit)) {
        throw new DeskwireError('BODY_INVALID', `${limit} may be at most ${ceiling(limit)} (the operator's ceiling).`, { limit, max: ceiling(limit) });
      }
    }
    return this.deps.db.transaction(async (tx) => {
      const next: LimitOverrides = { ...(await lockLimitOverrides(tx, projectId))! };
      for (const [limit, value] of Object.entries(patch) as [OverridableLimit, number | null][]) {
        if (value === null) delete next[limit];
        else next[limit] = value;
      }
      await writeLimitOverrides(tx, projectId, next);
      return next;
    });
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
