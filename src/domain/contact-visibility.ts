import { isMember, isSupervising } from './roles.js';
import { canSeeRequest, type RequestScope, type Viewer } from './visibility.js';

/**
 * What the events visibility rule needs to know about a contact (a lead or a project user: both stand for one
 * person, the visitor): who they are, and the visibility facts of their requests. Small enough to travel inside
 * every contact event, so each subscriber is authorized without a query.
 */
export interface ContactScope {
  /** The user the contact is (a lead's visitor, a project user's user). */
  userId: string;
  /** The distinct visibility facts of the requests this user started in the project. */
  requests: RequestScope[];
}

/**
 * The events of a contact are visible "as for the request the contact is in" (PROTOCOL §3): owners, admins and
 * supervisors see every contact's; an agent sees a contact's when they may see at least one of that contact's
 * requests (`canSeeRequest`); anybody, visitors included, sees the events about themselves; nobody else.
 */
export function canSeeContact(viewer: Viewer, contact: ContactScope): boolean {
  if (!viewer.active) return false;
  if (contact.userId === viewer.userId) return true;
  if (!isMember(viewer.role)) return false;
  if (isSupervising(viewer.role)) return true;
  return contact.requests.some((scope) => canSeeRequest(viewer, scope));
}
