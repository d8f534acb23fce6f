import type { RequestScope } from '../domain/visibility.js';
import type { EventMethod } from '../events/event.js';
import type { Message } from '../domain/message.js';
import type { ProjectUser } from '../domain/project.js';
import type { Request } from '../domain/request.js';
import type { OutboxWriter } from '../store/events.js';
import type { Queryable } from '../store/db.js';
import { getProjectUser, getProjectUserByUser } from '../store/project-users.js';
import { scopeOf } from '../domain/request-scope.js';

/** Appends the event of a request, as the statement that changed it returned it. */
export function emitRequest(outbox: OutboxWriter, request: Request, method: EventMethod, prevScope: RequestScope | null): void {
  outbox.emit({
    kind: 'request',
    method,
    entityId: request.request_id,
    requestId: request.request_id,
    scope: scopeOf(request),
    prevScope,
    data: request,
  });
}

export function emitMessage(outbox: OutboxWriter, request: Request, message: Message, method: EventMethod): void {
  outbox.emit({
    kind: 'message',
    method,
    entityId: message._id,
    requestId: request.request_id,
    scope: scopeOf(request),
    prevScope: null,
    data: message,
  });
}

/** Appends the event of a project user, as the statement that changed it returned it. */
export function emitProjectUserAs(outbox: OutboxWriter, pu: ProjectUser, method: EventMethod): void {
  outbox.emit({ kind: 'project_user', method, entityId: pu._id, requestId: null, scope: null, prevScope: null, data: pu });
}

/** Reads a project user after a change and appends its event. */
export async function emitProjectUser(tx: Queryable, outbox: OutboxWriter, projectId: string, projectUserId: string, method: EventMethod): Promise<void> {
  const pu = await getProjectUser(tx, projectId, projectUserId);
  if (pu) emitProjectUserAs(outbox, pu, method);
}

/** UPDATE events for the project users of these user ids (their load, busy state or departments changed). */
export async function emitProjectUsersOf(tx: Queryable, outbox: OutboxWriter, projectId: string, userIds: readonly string[]): Promise<void> {
  for (const userId of [...new Set(userIds)].sort()) {
    const pu = await getProjectUserByUser(tx, projectId, userId);
    if (pu) emitProjectUserAs(outbox, pu, 'UPDATE');
  }
}
