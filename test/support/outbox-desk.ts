/**
 * Test data written the way the services write it: entity rows and outbox events in one transaction under the
 * project lock, then the committed events handed to the bus. Until the services layer lands, this is how the
 * realtime tests produce changes; the gateway under test sees exactly what it will see in production.
 */
import { newId, newRequestId } from '../../src/domain/ids.js';
import { defaultProjectSettings, type ProjectUser } from '../../src/domain/project.js';
import type { Request } from '../../src/domain/request.js';
import type { Role } from '../../src/domain/roles.js';
import type { Bus } from '../../src/events/bus.js';
import type { NewEvent, ProjectEvent } from '../../src/events/event.js';
import type { Db, Queryable } from '../../src/store/db.js';
import { insertDepartment } from '../../src/store/departments.js';
import { OutboxWriter } from '../../src/store/events.js';
import { insertMessage } from '../../src/store/messages.js';
import { getProjectUser, insertProjectUser, updateProjectUser, type ProjectUserPatch } from '../../src/store/project-users.js';
import { insertProject, lockProject, nextTicketId } from '../../src/store/projects.js';
import { scopeOf } from '../../src/domain/request-scope.js';
import { getRequest, insertRequest, updateRequest, type RequestPatch } from '../../src/store/requests.js';
import { insertUser } from '../../src/store/users.js';

export interface WriteOptions {
  /** false: commit but keep the events from the bus (a node that died after commit); they are returned. */
  publish?: boolean;
}

export class OutboxDesk {
  constructor(
    readonly db: Db,
    readonly bus: Bus,
  ) {}

  async user(firstname: string): Promise<string> {
    const id = newId();
    await insertUser(this.db, { id, email: `${firstname.toLowerCase()}-${id}@example.test`, passwordHash: null, firstname, lastname: 'Test' });
    return id;
  }

  async disableUser(userId: string): Promise<void> {
    await this.db.query('UPDATE users SET active = false WHERE id = $1', [userId]);
  }

  async project(name = 'Project'): Promise<{ projectId: string; departmentId: string }> {
    const projectId = newId();
    const departmentId = newId();
    await insertProject(this.db, { id: projectId, name, epoch: newId(), settings: defaultProjectSettings });
    await insertDepartment(this.db, { id: departmentId, projectId, name: 'Default', routing: 'pooled', isDefault: true });
    return { projectId, departmentId };
  }

  async department(projectId: string, name: string): Promise<string> {
    const id = newId();
    await insertDepartment(this.db, { id, projectId, name, routing: 'pooled', isDefault: false });
    return id;
  }

  /** Adds a user to a project (and to departments), as an invite would. Returns the project-user id. */
  async member(projectId: string, userId: string, role: Role, departmentIds: string[] = []): Promise<string> {
    const id = newId();
    await this.write(projectId, async (tx, out) => {
      await insertProjectUser(tx, { id, projectId, userId, role });
      for (const d of departmentIds) await tx.query('INSERT INTO department_members (department_id, user_id) VALUES ($1, $2)', [d, userId]);
      await this.emitProjectUser(tx, out, projectId, id, 'CREATE');
    });
    return id;
  }

  async updateMember(projectId: string, puId: string, patch: ProjectUserPatch, opts?: WriteOptions): Promise<ProjectEvent[]> {
    return this.write(projectId, async (tx, out) => {
      await updateProjectUser(tx, projectId, puId, patch);
      await this.emitProjectUser(tx, out, projectId, puId, 'UPDATE');
    }, opts);
  }

  /** Replaces the user's department memberships in the project. */
  async setDepartments(projectId: string, puId: string, departmentIds: string[]): Promise<void> {
    await this.write(projectId, async (tx, out) => {
      const pu = (await getProjectUser(tx, projectId, puId))!;
      await tx.query('DELETE FROM department_members WHERE user_id = $1 AND department_id IN (SELECT id FROM departments WHERE project_id = $2)', [
        pu.uuid_user,
        projectId,
      ]);
      for (const d of departmentIds) await tx.query('INSERT INTO department_members (department_id, user_id) VALUES ($1, $2)', [d, pu.uuid_user]);
      await this.emitProjectUser(tx, out, projectId, puId, 'UPDATE');
    });
  }

  async removeMember(projectId: string, puId: string): Promise<void> {
    await this.write(projectId, async (tx, out) => {
      const pu = (await getProjectUser(tx, projectId, puId))!;
      await tx.query('DELETE FROM project_users WHERE id = $1', [puId]);
      out.emit({ kind: 'project_user', method: 'DELETE', entityId: puId, requestId: null, scope: null, prevScope: null, data: pu });
    });
  }

  /** A project of its own with one admin and one request in its default department: a topic with a single writer. */
  async adminWithRequest(projectName: string, adminName: string): Promise<{ projectId: string; departmentId: string; admin: string; request: Request }> {
    const { projectId, departmentId } = await this.project(projectName);
    const admin = await this.user(adminName);
    await this.member(projectId, admin, 'admin');
    const request = await this.createRequest(projectId, { departmentId });
    return { projectId, departmentId, admin, request };
  }

  async createRequest(
    projectId: string,
    r: { departmentId: string | null; agents?: string[]; text?: string; attributes?: Record<string, unknown> },
    opts?: WriteOptions,
  ): Promise<Request> {
    let created!: Request;
    await this.write(projectId, async (tx, out) => {
      const requestId = newRequestId(projectId);
      const agents = r.agents ?? [];
      await insertRequest(tx, {
        id: newId(),
        projectId,
        requestId,
        ticketId: await nextTicketId(tx, projectId),
        status: agents.length > 0 ? 200 : 100,
        subject: null,
        firstText: r.text ?? 'Hello',
        agents,
        departmentId: r.departmentId,
        leadId: null,
        requesterId: null,
        requesterUserId: null,
        channel: 'chat21',
        preflight: false,
        draft: false,
        attributes: r.attributes ?? {},
      });
      created = (await getRequest(tx, projectId, requestId))!;
      out.emit({ kind: 'request', method: 'CREATE', entityId: requestId, requestId, scope: scopeOf(created), prevScope: null, data: created });
    }, opts);
    return created;
  }

  async updateRequest(projectId: string, requestId: string, patch: RequestPatch, opts?: WriteOptions): Promise<ProjectEvent[]> {
    return this.write(projectId, async (tx, out) => {
      const before = (await getRequest(tx, projectId, requestId))!;
      await updateRequest(tx, projectId, requestId, patch);
      const after = (await getRequest(tx, projectId, requestId))!;
      out.emit({ kind: 'request', method: 'UPDATE', entityId: requestId, requestId, scope: scopeOf(after), prevScope: scopeOf(before), data: after });
    }, opts);
  }

  assign(projectId: string, requestId: string, agents: string[]): Promise<ProjectEvent[]> {
    return this.updateRequest(projectId, requestId, { agents, status: agents.length > 0 ? 200 : 100, assignedAtNow: agents.length > 0 });
  }

  close(projectId: string, requestId: string, by: string): Promise<ProjectEvent[]> {
    return this.updateRequest(projectId, requestId, { status: 1000, close: { by } });
  }

  async message(projectId: string, requestId: string, sender: string, text: string, opts?: WriteOptions): Promise<ProjectEvent[]> {
    return this.write(projectId, async (tx, out) => {
      const request = (await getRequest(tx, projectId, requestId))!;
      const message = await insertMessage(tx, {
        id: newId(),
        projectId,
        requestId,
        seq: out.nextSeq,
        sender,
        senderFullname: 'Test',
        senderRole: 'agent',
        text,
        type: 'text',
        status: 100,
        attributes: {},
        metadata: null,
      });
      const scope = scopeOf(request);
      out.emit({ kind: 'message', method: 'CREATE', entityId: message._id, requestId, scope, prevScope: null, data: message });
    }, opts);
  }

  /** Emits many UPDATE events of one request in a single transaction (for volume tests). */
  async burst(projectId: string, requestId: string, count: number, pad = ''): Promise<ProjectEvent[]> {
    return this.write(projectId, async (tx, out) => {
      const r = (await getRequest(tx, projectId, requestId))!;
      for (let i = 0; i < count; i++) {
        const data = { ...r, attributes: { i, pad } };
        out.emit({ kind: 'request', method: 'UPDATE', entityId: requestId, requestId, scope: scopeOf(r), prevScope: scopeOf(r), data });
      }
    });
  }

  async seq(projectId: string): Promise<number> {
    const [row] = await this.db.query<{ seq: number }>('SELECT seq FROM projects WHERE id = $1', [projectId]);
    return Number(row!.seq);
  }

  private async emitProjectUser(tx: Queryable, out: OutboxWriter, projectId: string, puId: string, method: NewEvent['method']): Promise<void> {
    const pu: ProjectUser = (await getProjectUser(tx, projectId, puId))!;
    out.emit({ kind: 'project_user', method, entityId: puId, requestId: null, scope: null, prevScope: null, data: pu });
  }

  private async write(projectId: string, fn: (tx: Queryable, out: OutboxWriter) => Promise<void>, opts: WriteOptions = {}): Promise<ProjectEvent[]> {
    const events = await this.db.transaction(async (tx) => {
      const project = await lockProject(tx, projectId);
      if (project === null) throw new Error(`no project ${projectId}`);
      const out = new OutboxWriter(project);
      await fn(tx, out);
      await out.flush(tx);
      return out.events;
    });
    if (opts.publish !== false) await this.bus.publish(events);
    return events;
  }
}
