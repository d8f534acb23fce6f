import type { RequestScope } from '../domain/visibility.js';
import type { EventMethod } from '../events/event.js';
import type { Message } from '../domain/message.js';
import type { Request } from '../domain/request.js';
import type { OutboxWriter } from '../store/events.js';
import type { Queryable } from '../store/db.js';
import { getProjectUser, getProjectUserByUser } from '../store/project-users.js';
import { getRequest, scopeOf } from '../store/requests.js';

/** Re-reads a request after a change and appends its event; returns the request as clients now see it. */
export async function emitRequest(
  tx: Queryable,
  outbox: OutboxWriter,
  projectId: string,
  requestId: string,
  method: EventMethod,
  prevScope: RequestScope | null,
): Promise<Request> {
  const request = (await getRequest(tx, projectId, requestId))!;
  emitRequestAs(outbox, request, method, prevScope);
  return request;
}

/** Appends the event of a request already read as it is after the change (no second read). */
export function emitRequestAs(outbox: OutboxWriter, request: Request, method: EventMethod, prevScope: RequestScope | null): void {
  outbox.emit({
    kind: 'request',
    method,
    entityId: request.request_id,
    requestId: request.request_id,
    scope: scopeOf(request),
    prevScope,
    data: request as unknown as Record<string, unknown>,
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
    data: message as unknown as Record<string, unknown>,
  });
}

export async function emitProjectUser(tx: Queryable, outbox: OutboxWriter, projectId: string, projectUserId: string, method: EventMethod): Promise<void> {
  const pu = await getProjectUser(tx, projectId, projectUserId);
  if (!pu) return;
  outbox.emit({ kind: 'project_user', method, entityId: pu._id, requestId: null, scope: null, prevScope: null, data: pu as unknown as Record<string, unknown> });
}

/** UPDATE events for the project users of these user ids (their load, busy state or departments changed). */
export async function emitProjectUsersOf(tx: Queryable, outbox: OutboxWriter, projectId: string, userIds: readonly string[]): Promise<void> {
  for (const userId of [...new Set(userIds)].sort()) {
    const pu = await getProjectUserByUser(tx, projectId, userId);
    if (pu) outbox.emit({ kind: 'project_user', method: 'UPDATE', entityId: pu._id, requestId: null, scope: null, prevScope: null, data: pu as unknown as Record<string, unknown> });
  }
}
