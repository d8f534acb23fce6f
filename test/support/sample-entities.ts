/**
 * Whole entities for tests that build events by hand (the bus, the outbox, a project channel): each field as the
 * services write it, so an event's `data` has its kind's type. Only what a test names is overridden.
 */
import type { Message } from '../../src/domain/message.js';
import type { ProjectUser } from '../../src/domain/project.js';
import type { Request } from '../../src/domain/request.js';
import type { ProjectEvent } from '../../src/events/event.js';

const at = '2026-01-01T00:00:00.000Z';

export function sampleRequest(overrides: Partial<Request> = {}): Request {
  const id = overrides.request_id ?? 'r1';
  return {
    _id: id,
    id,
    request_id: id,
    id_project: 'p1',
    ticket_id: 1,
    status: 100,
    subject: null,
    first_text: 'hello',
    participants: [],
    participantsAgents: [],
    participantsBots: [],
    participatingAgents: [],
    snapshot: { agents: [], lead: null, department: null, requester: null },
    hasBot: false,
    department: null,
    lead: null,
    requester: null,
    requester_id: null,
    assigned_at: null,
    first_response_at: null,
    waiting_time: null,
    closed_at: null,
    closed_by: null,
    duration: null,
    reopened_at: null,
    reopened_by: null,
    tags: [],
    notes: [],
    priority: 'medium',
    channel: { name: 'chat21' },
    preflight: false,
    draft: false,
    attributes: {},
    rating: null,
    rating_message: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function sampleMessage(overrides: Partial<Message> = {}): Message {
  const id = overrides._id ?? 'm1';
  const requestId = overrides.request_id ?? 'r1';
  return {
    _id: id,
    id,
    id_project: 'p1',
    request_id: requestId,
    sender: 'u1',
    senderFullname: 'Visitor',
    recipient: requestId,
    text: 'hello',
    type: 'text',
    status: 100,
    sender_role: 'guest',
    attributes: {},
    metadata: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function sampleProjectUser(overrides: Partial<ProjectUser> = {}): ProjectUser {
  const id = overrides._id ?? 'pu1';
  const userId = overrides.uuid_user ?? 'u1';
  return {
    _id: id,
    id,
    id_project: 'p1',
    id_user: { _id: userId, id: userId, email: null, firstname: 'Agent', lastname: 'Test' },
    uuid_user: userId,
    role: 'agent',
    user_available: true,
    profileStatus: 'available',
    max_assigned_chat: null,
    number_assigned_requests: 0,
    presence: { status: 'offline', changedAt: null },
    status: 'active',
    isBusy: false,
    departments: [],
    last_ip: null,
    attributes: {},
    takes_chats: true,
    chat_state: 'offline',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/**
 * A committed message CREATE in request r1, seen by the whole desk (no department, no agents): the event the bus tests
 * carry. The message is `sampleMessage` with this id and the text `hello <seq>`, then what the test names.
 */
export function sampleMessageEvent(projectId: string, seq: number, id: string, message: Partial<Message> = {}): ProjectEvent {
  return {
    projectId,
    seq,
    epoch: 'e1',
    kind: 'message',
    method: 'CREATE',
    entityId: id,
    requestId: 'r1',
    scope: { departmentId: null, agents: [], requesterUserId: null },
    prevScope: null,
    data: sampleMessage({ _id: id, text: `hello ${seq}`, ...message }),
    createdAt: new Date().toISOString(),
  };
}
