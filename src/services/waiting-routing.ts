/**
 * Waiting requests are routed again when a member becomes able to take them: their availability switch turned on,
 * they connected, they closed a chat and freed a slot, or a setting changed in their favour. Each such member gets
 * the waiting requests of their `assigned` departments, oldest first, up to their free chat slots, through the
 * ordinary request write: the request's UPDATE event and the member's load UPDATE, in the same project write (so
 * under the project lock and numbered by its seq). Pooled departments are left alone: their requests stay visible
 * to every member, who joins one.
 */
import { freeSlots } from '../domain/busy.js';
import { defaultProjectSettings } from '../domain/project.js';
import { RequestStatus } from '../domain/request.js';
import type { Queryable } from '../store/db.js';
import type { OutboxWriter } from '../store/events.js';
import { adjustAssignedCount, getProjectUserByUser } from '../store/project-users.js';
import type { ProjectRow } from '../store/projects.js';
import { getRequest, scopeOf, updateRequest } from '../store/requests.js';
import { waitingRequestsFor } from '../store/waiting-requests.js';
import { emitProjectUsersOf, emitRequest } from './emit.js';

/** Routes waiting requests to those of `userIds` who can take chats now; returns how many were assigned. */
export async function routeWaitingTo(
  w: { tx: Queryable; outbox: OutboxWriter; project: ProjectRow },
  userIds: readonly string[],
): Promise<number> {
  const { tx, outbox, project } = w;
  const settings = { ...defaultProjectSettings, ...project.settings };
  let assigned = 0;
  for (const userId of [...new Set(userIds)].sort()) {
    const member = await getProjectUserByUser(tx, project.id, userId);
    if (member?.chat_state !== 'available') continue;
    const free = freeSlots(member, settings);
    const requestIds = await waitingRequestsFor(tx, project.id, userId, Number.isFinite(free) ? free : null);
    for (const requestId of requestIds) {
      const before = (await getRequest(tx, project.id, requestId))!;
      const after = (await updateRequest(tx, project.id, requestId, { agents: [userId], status: RequestStatus.ASSIGNED, assignedAtNow: true }))!;
      emitRequest(outbox, after, 'UPDATE', scopeOf(before));
    }
    if (requestIds.length === 0) continue;
    await adjustAssignedCount(tx, project.id, [userId], requestIds.length);
    await emitProjectUsersOf(tx, outbox, project.id, [userId]);
    assigned += requestIds.length;
  }
  return assigned;
}
