/**
 * Which requests the Realtime `/requests` topic lists (PROTOCOL §3), once in TypeScript and once in SQL. The two
 * must say the same thing: test/store/listing-rule.test.ts generates every combination of the facts they read,
 * stores one row each, and compares the SQL's answer with the function's on PGlite and on PostgreSQL.
 */
import { RequestStatus, type Request } from './request.js';

/** Open as the `/requests` topic means it: routed, not closed, not abandoned, neither preflight nor draft. */
export function isOpenForRealtime(r: Pick<Request, 'status' | 'preflight' | 'draft'>): boolean {
  return r.status > 50 && r.status < 1000 && r.status !== RequestStatus.ABANDONED && !r.preflight && !r.draft;
}

/**
 * `isOpenForRealtime` as a SQL condition on the `requests` table aliased `r`: snapshots, agents' lists and the
 * live metrics all read "open" through this one fragment.
 */
export const OPEN_FOR_REALTIME_SQL = 'r.status > 50 AND r.status < 1000 AND r.status <> 150 AND NOT r.preflight AND NOT r.draft';

/**
 * Whether an event of this request is published on the `/requests` topic at all (Tiledesk never publishes
 * preflight, draft or temp requests there). Wider than `isOpenForRealtime` on purpose: a request that closes is
 * still published, so that clients drop it from their lists (`status: 1000`).
 */
export function isPublishedOnRequestsTopic(data: Pick<Request, 'preflight' | 'draft' | 'status'>): boolean {
  return data.preflight !== true && data.draft !== true && typeof data.status === 'number' && data.status > 50;
}
