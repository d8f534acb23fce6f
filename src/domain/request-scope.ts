import type { Request } from './request.js';
import type { RequestScope } from './visibility.js';

/** The visibility facts of a request, as events carry them: what `canSeeRequest` is asked about. */
export function scopeOf(r: Request): RequestScope {
  return { departmentId: r.department?.id ?? null, agents: r.participantsAgents, requesterUserId: r.lead?.lead_id ?? null };
}
