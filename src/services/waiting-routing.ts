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
import { scopeOf } from '../domain/request-scope.js';
import { getRequest, updateRequest } from '../store/requests.js';
import { anyWaitingInAssignedDepartment, waitingRequestsFor } from '../store/waiting-requests.js';
import { emitProjectUsersOf, emitRequest } from './emit.js';
import { recordHistory } from './project-write.js';

/**
 * Routes waiting requests to those of `userIds` who can take chats now; returns how many were assigned. With several
 * members at once (a settings change), the least loaded takes the next request, so a member whose slots are
 * unbounded (chat limit off) does not take the whole queue.
 */
export async function routeWaitingTo(
  w: { tx: Queryable; outbox: OutboxWriter; project: ProjectRow },
  userIds: readonly string[],
): Promise<number> {
  const { tx, outbox, project } = w;
  // Nothing waits where routing assigns (the usual case): no member is read, so a presence wave costs one statement.
  if (userIds.length === 0 || !(await anyWaitingInAssignedDepartment(tx, project.id))) return 0;
  const settings = { ...defaultProjectSettings, ...project.settings };
  const takers: { userId: string; load: number; free: number; took: number }[] = [];
  for (const userId of [...new Set(userIds)].sort()) {
    const member = await getProjectUserByUser(tx, project.id, userId);
    if (member?.chat_state !== 'available') continue;
    takers.push({ userId, load: member.number_assigned_requests, free: freeSlots(member, settings), took: 0 });
  }
  let assigned = 0;
  for (;;) {
    const next = takers.filter((t) => t.free > 0).sort((a, b) => a.load - b.load || (a.userId < b.userId ? -1 : 1));
    let progressed = false;
    for (const taker of next) {
      const [requestId] = await waitingRequestsFor(tx, project.id, taker.userId, 1);
      if (requestId === undefined) {
        taker.free = 0; // nothing waits in their departments, and nothing new arrives during this write
        continue;
      }
      const before = (await getRequest(tx, project.id, requestId))!;
      const after = (await updateRequest(tx, project.id, requestId, { agents: [taker.userId], status: RequestStatus.ASSIGNED, assignedAtNow: true }))!;
      emitRequest(outbox, after, 'UPDATE', scopeOf(before));
      // Like every request write: the history holds what the request contributes after it (docs/metrics.md).
      await recordHistory(w, before, after);
      taker.load += 1;
      taker.free -= 1;
      taker.took += 1;
      assigned += 1;
      progressed = true;
      break;
    }
    if (!progressed) break;
  }
  const took = takers.filter((t) => t.took > 0);
  for (const taker of took) await adjustAssignedCount(tx, project.id, [taker.userId], taker.took);
  await emitProjectUsersOf(tx, outbox, project.id, took.map((t) => t.userId));
  return assigned;
}
