import { randomBytes } from 'node:crypto';

/**
 * A 24-hex-digit id shaped like a MongoDB ObjectId (4 bytes of seconds, then random bytes), as Tiledesk clients
 * expect: sortable by creation time and safe in topics and URLs.
 */
export function newId(now = Date.now()): string {
  const time = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return time + randomBytes(8).toString('hex');
}

/** Tiledesk's request id form: `support-group-<project>-<random>`. */
export function newRequestId(projectId: string): string {
  return `support-group-${projectId}-${randomBytes(12).toString('hex')}`;
}
