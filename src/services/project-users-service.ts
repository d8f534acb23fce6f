import { DeskwireError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { ProjectUser } from '../domain/project.js';
import { isAdmin, isMember, memberRoles, type Role } from '../domain/roles.js';
import { projectUserFor } from '../domain/project-user-view.js';
import {
  getProjectUser,
  getProjectUserByUser,
  insertProjectUser,
  listOnlineUserIds,
  listPresenceWrites,
  listProjectUsers,
  updatePresence,
  updateProjectUser,
  type PresenceWrite,
} from '../store/project-users.js';
import { findUserByEmail } from '../store/users.js';
import { requireMembership, type Actor, type ServiceDeps } from './context.js';
import { emitProjectUser, emitProjectUserAs } from './emit.js';
import { writeProject } from './project-write.js';
import { routeWaitingTo } from './waiting-routing.js';

export class ProjectUsersService {
  constructor(private readonly deps: ServiceDeps) {}

  /** The desk (as the Realtime `/P/project_users` topic lists it); `roles` narrows it to some of the desk roles. */
  async list(actor: Actor, projectId: string, roles: readonly Role[] = memberRoles): Promise<ProjectUser[]> {
    const { projectUser: me, viewer } = await requireMembership(this.deps.db, projectId, actor);
    if (!isMember(me.role)) throw new DeskwireError('FORBIDDEN');
    if (!roles.every(isMember)) throw new DeskwireError('BODY_INVALID', 'The list holds desk members only: role may be owner, admin, supervisor or agent.');
    return (await listProjectUsers(this.deps.db, projectId, roles)).map((pu) => projectUserFor(viewer, pu));
  }

  async me(actor: Actor, projectId: string): Promise<ProjectUser> {
    return (await requireMembership(this.deps.db, projectId, actor)).projectUser;
  }

  async get(actor: Actor, projectId: string, projectUserId: string): Promise<ProjectUser> {
    const { projectUser: me, viewer } = await requireMembership(this.deps.db, projectId, actor);
    const pu = await getProjectUser(this.deps.db, projectId, projectUserId);
    if (!pu || (!isMember(me.role) && pu._id !== me._id)) throw new DeskwireError('NOT_FOUND');
    return projectUserFor(viewer, pu);
  }

  /** The caller's own availability, status text and whether they take chats. */
  async updateSelf(actor: Actor, projectId: string, patch: { user_available?: boolean; profileStatus?: string; takes_chats?: boolean }): Promise<ProjectUser> {
    const { projectUser: me } = await requireMembership(this.deps.db, projectId, actor);
    // Availability is a desk setting: it means nothing for a visitor.
    if (!isMember(me.role)) throw new DeskwireError('FORBIDDEN');
    checkTakesChats(me.role, patch.takes_chats);
    return this.write(projectId, me._id, patch);
  }

  /** Owner/admin changes another project user's role, limits or status. Only an owner grants or changes ownership. */
  async updateByAdmin(
    actor: Actor,
    projectId: string,
    projectUserId: string,
    patch: { role?: Role; max_assigned_chat?: number | null; status?: 'active' | 'disabled'; user_available?: boolean; takes_chats?: boolean },
  ): Promise<ProjectUser> {
    const { projectUser: me } = await requireMembership(this.deps.db, projectId, actor);
    if (!isAdmin(me.role)) throw new DeskwireError('FORBIDDEN');
    const target = await getProjectUser(this.deps.db, projectId, projectUserId);
    if (!target) throw new DeskwireError('NOT_FOUND');
    const touchesOwner = target.role === 'owner' || patch.role === 'owner';
    if (touchesOwner && me.role !== 'owner') throw new DeskwireError('FORBIDDEN', 'Only an owner can grant or change ownership.');
    if (target._id === me._id && (patch.role !== undefined || patch.status === 'disabled')) {
      throw new DeskwireError('CONFLICT', 'You cannot change your own role or disable yourself.');
    }
    checkTakesChats(patch.role ?? target.role, patch.takes_chats);
    return this.write(projectId, projectUserId, patch);
  }

  /** Owner/admin adds an existing user by email. */
  async invite(actor: Actor, projectId: string, email: string, role: Role): Promise<ProjectUser> {
    const { projectUser: me } = await requireMembership(this.deps.db, projectId, actor);
    if (!isAdmin(me.role)) throw new DeskwireError('FORBIDDEN');
    if (role === 'owner' && me.role !== 'owner') throw new DeskwireError('FORBIDDEN', 'Only an owner can add an owner.');
    const user = await findUserByEmail(this.deps.db, email);
    if (!user) throw new DeskwireError('NOT_FOUND', 'No user with this email; they must sign up first.');
    const puId = newId();
    await writeProject(this.deps, projectId, async ({ tx, outbox }) => {
      if (await getProjectUserByUser(tx, projectId, user.id)) throw new DeskwireError('CONFLICT', 'This user is already in the project.');
      await insertProjectUser(tx, { id: puId, projectId, userId: user.id, role });
      await emitProjectUser(tx, outbox, projectId, puId, 'CREATE');
    });
    return (await getProjectUser(this.deps.db, projectId, puId))!;
  }

  /**
   * Presence from the Realtime API, for several users at once: each user's desk memberships in every project go
   * online or offline, with one project-user UPDATE each; nothing is written where presence is already right. One
   * transaction per project for all the users changing there, in the project's write order. Every project is
   * tried; the first failure is thrown after.
   */
  async setPresence(changes: readonly { userId: string; status: 'online' | 'offline' }[]): Promise<void> {
    const byProject = new Map<string, PresenceWrite[]>();
    for (const w of await listPresenceWrites(this.deps.db, changes)) {
      const list = byProject.get(w.projectId);
      if (list) list.push(w);
      else byProject.set(w.projectId, [w]);
    }
    let failure: { error: unknown } | null = null;
    for (const [projectId, writes] of byProject) {
      try {
        await writeProject(this.deps, projectId, async (w) => {
          const changed = await updatePresence(w.tx, projectId, writes);
          for (const pu of changed) emitProjectUserAs(w.outbox, pu, 'UPDATE');
          // A member who connects may take the requests that waited for someone.
          await routeWaitingTo(w, changed.filter((pu) => pu.presence.status === 'online').map((pu) => pu.uuid_user));
        });
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  /** Users marked online in at least one project (for the presence sweep). */
  async onlineUsers(): Promise<string[]> {
    return listOnlineUserIds(this.deps.db);
  }

  private async write(projectId: string, projectUserId: string, patch: Parameters<typeof updateProjectUser>[3]): Promise<ProjectUser> {
    return writeProject(this.deps, projectId, async (w) => {
      const { tx, outbox } = w;
      await updateProjectUser(tx, projectId, projectUserId, patch);
      await emitProjectUser(tx, outbox, projectId, projectUserId, 'UPDATE');
      const pu = (await getProjectUser(tx, projectId, projectUserId))!;
      // Switched on, re-enabled, opted in or given a higher limit: the requests waiting for someone may go to them.
      if (pu.chat_state === 'available' && (await routeWaitingTo(w, [pu.uuid_user])) > 0) return (await getProjectUser(tx, projectId, projectUserId))!;
      return pu;
    });
  }
}

/**
 * `takes_chats` is the opt-in of owners, admins and supervisors; agents always take chats, so turning it off for an
 * agent would be a setting that does nothing: refused rather than silently ignored.
 */
function checkTakesChats(role: Role, takesChats: boolean | undefined): void {
  if (takesChats === false && role === 'agent') {
    throw new DeskwireError('BODY_INVALID', 'Agents always take chats: takes_chats applies to owners, admins and supervisors.');
  }
}
