import { DeskwireError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Message } from '../domain/message.js';
import type { Request } from '../domain/request.js';
import { MessageStatus } from '../domain/message.js';
import { RequestStatus } from '../domain/request.js';
import { isMember } from '../domain/roles.js';
import { getDefaultDepartment, getDepartment } from '../store/departments.js';
import { upsertLead } from '../store/leads.js';
import { getMessage, insertMessage, listMessages, updateMessageStatus } from '../store/messages.js';
import { nextTicketId } from '../store/projects.js';
import { adjustAssignedCount } from '../store/project-users.js';
import type { RequestWriter } from '../store/request-writes.js';
import { scopeOf } from '../domain/request-scope.js';
import { getRequest, insertRequest, updateRequest } from '../store/requests.js';
import { requireMembership, type Actor, type ServiceDeps } from './context.js';
import { emitMessage, emitProjectUsersOf, emitRequest } from './emit.js';
import { defineProjectWrite, recordHistory, runProjectWrite, type ProjectWrite } from './project-write.js';
import { lockForWrite, seenBy, visibleRequest } from './requests-service.js';
import { routeNewRequest } from './routing.js';

export interface NewMessageInput {
  text: string;
  type?: string;
  attributes?: Record<string, unknown>;
  metadata?: Record<string, unknown> | null;
  /** Used only when the message starts a new request. */
  departmentid?: string;
  subject?: string;
  channel?: string;
}

export class MessagesService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: Actor, projectId: string, requestId: string, opts: { limit: number; page: number }): Promise<Message[]> {
    const m = await requireMembership(this.deps.db, projectId, actor);
    await visibleRequest(this.deps.db, projectId, requestId, m);
    return listMessages(this.deps.db, projectId, requestId, opts.limit, opts.page);
  }

  /**
   * Posts a message as the caller (the sender is never taken from the body): `postMessage`, one procedure, so the
   * whole write runs in one message on the worker-thread store.
   */
  async post(actor: Actor, projectId: string, requestId: string, input: NewMessageInput): Promise<Message & { request: unknown }> {
    return runProjectWrite(this.deps, postMessage, { actor, projectId, requestId, input });
  }

  /** Delivery and read receipts (`updateMessageStatusOf`, a procedure: clients send one per message they show). */
  async updateStatus(actor: Actor, projectId: string, requestId: string, messageId: string, status: number): Promise<Message> {
    return runProjectWrite(this.deps, updateMessageStatusOf, { actor, projectId, requestId, messageId, status });
  }
}

/** Members who see the request, or its visitor, move a message's status forward. */
export const updateMessageStatusOf = defineProjectWrite(
  import.meta.url,
  'updateMessageStatusOf',
  async ({ tx, outbox }, a: { actor: Actor; projectId: string; requestId: string; messageId: string; status: number }): Promise<Message> => {
    const { actor, projectId, requestId, messageId, status } = a;
    const m = await requireMembership(tx, projectId, actor);
    const request = await visibleRequest(tx, projectId, requestId, m);
    const current = await getMessage(tx, projectId, messageId);
    if (!current || current.request_id !== requestId) throw new DeskwireError('NOT_FOUND', 'No such message.');
    if (status < current.status) throw new DeskwireError('CONFLICT', `A message's status only moves forward (it is ${current.status}).`);
    // Clients resend receipts: the same status again changes nothing, so nothing is written and no event goes out.
    if (status === current.status) return current;
    const message = (await updateMessageStatus(tx, projectId, messageId, status))!;
    emitMessage(outbox, request, message, 'UPDATE');
    return message;
  },
);

/**
 * The first message of an unknown request id creates the request, as Tiledesk does, and routes it; the first agent
 * reply sets the waiting time. A visitor writing to their closed request needs help again: it is reopened and
 * routed before the message lands.
 */
export const postMessage = defineProjectWrite(
  import.meta.url,
  'postMessage',
  async (w, a: { actor: Actor; projectId: string; requestId: string; input: NewMessageInput }): Promise<Message & { request: Request }> => {
    const { actor, projectId, requestId, input } = a;
    const m = await lockForWrite(w.tx, projectId, requestId, actor);
    let request = m.requestExists ? seenBy(await getRequest(w.tx, projectId, requestId), m.viewer) : await createRequest(w, m, requestId, input);
    if (request.status === RequestStatus.CLOSED && !isMember(m.viewer.role)) request = await reopenFor(w, request, actor.userId);
    const sender = m.user;
    const senderIsAgent = isMember(m.viewer.role) && request.lead?.lead_id !== actor.userId;
    const message = await insertMessage(w.tx, {
      id: newId(),
      projectId,
      requestId,
      seq: w.outbox.nextSeq,
      sender: actor.userId,
      senderFullname: `${sender.firstname} ${sender.lastname}`.trim(),
      senderRole: m.viewer.role,
      text: input.text,
      type: input.type ?? 'text',
      status: MessageStatus.SENT,
      attributes: input.attributes ?? {},
      metadata: input.metadata ?? null,
    });
    emitMessage(w.outbox, request, message, 'CREATE');
    if (senderIsAgent && request.first_response_at === null) {
      const updated = (await updateRequest(w.tx, projectId, requestId, { firstResponseNow: true }))!;
      await recordHistory(w, request, updated);
      emitRequest(w.outbox, updated, 'UPDATE', scopeOf(request));
      return { ...message, request: updated };
    }
    return { ...message, request };
  },
);

/**
 * Back to open and routed as a new request of its department would be (the agents it had are no longer on it),
 * marked with `reopened_at`/`reopened_by`. Its event comes before the message's, so subscribers see the request
 * return, then the message.
 */
async function reopenFor(w: ProjectWrite, closed: Request, userId: string): Promise<Request> {
  const { tx, outbox } = w;
  const projectId = w.project.id;
  const department = (closed.department && (await getDepartment(tx, projectId, closed.department.id))) ?? (await getDefaultDepartment(tx, projectId));
  const routing = await routeNewRequest(tx, projectId, department);
  const reopened = (await updateRequest(tx, projectId, closed.request_id, {
    status: routing.status,
    agents: routing.agents,
    // Its department may have been deleted meanwhile: it then goes to the default one, as a new request would.
    ...(department ? { departmentId: department.id } : {}),
    assignedAtNow: routing.agents.length > 0,
    reopen: { by: userId },
  }))!;
  await adjustAssignedCount(tx, projectId, routing.agents, +1);
  await recordHistory(w, closed, reopened);
  emitRequest(outbox, reopened, 'UPDATE', scopeOf(closed));
  await emitProjectUsersOf(tx, outbox, projectId, routing.agents);
  return reopened;
}

async function createRequest(w: ProjectWrite, m: RequestWriter, requestId: string, input: NewMessageInput): Promise<Request> {
  const { tx, outbox } = w;
  const projectId = w.project.id;
  const department = input.departmentid ? await getDepartment(tx, projectId, input.departmentid) : await getDefaultDepartment(tx, projectId);
  if (input.departmentid && !department) throw new DeskwireError('BODY_INVALID', 'No such department in this project.');
  const user = m.user;
  const lead = await upsertLead(tx, {
    id: newId(),
    projectId,
    userId: user.id,
    fullname: `${user.firstname} ${user.lastname}`.trim(),
    email: user.email,
  });
  // A desk member who opens a conversation takes part in it; a visitor's request is routed.
  const routing = isMember(m.viewer.role)
    ? { status: RequestStatus.ASSIGNED, agents: [m.viewer.userId] }
    : await routeNewRequest(tx, projectId, department);
  const request = await insertRequest(tx, {
    id: newId(),
    projectId,
    requestId,
    ticketId: await nextTicketId(tx, projectId),
    status: routing.status,
    subject: input.subject ?? null,
    firstText: input.text,
    agents: routing.agents,
    departmentId: department?.id ?? null,
    leadId: lead.id,
    requesterId: m.projectUserId,
    requesterUserId: user.id,
    channel: input.channel ?? 'chat21',
    preflight: false,
    draft: false,
    attributes: input.attributes ?? {},
  });
  await adjustAssignedCount(tx, projectId, routing.agents, +1);
  await recordHistory(w, null, request);
  emitRequest(outbox, request, 'CREATE', null);
  await emitProjectUsersOf(tx, outbox, projectId, routing.agents);
  return request;
}
