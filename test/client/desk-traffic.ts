/** REST actions the SDK tests drive a desk with, and the database's view of the open requests to compare against. */
import { expectStatus } from '../support/rest-client.js';
import type { Desk, Person } from '../support/desk.js';
import { startRequest } from '../support/realtime-world.js';

/** A visitor's first message: creates and routes a request (startRequest, with the SDK tests' usual text). Returns its request id. */
export function startConversation(desk: Desk, visitor: Person, text = 'Hello, I need help'): Promise<string> {
  return startRequest(desk, visitor, { text });
}

/** The open requests (`_id` and status), as the owner reads them over REST, sorted by `_id`. */
export async function openRequests(desk: Desk): Promise<{ _id: string; status: number }[]> {
  const page = expectStatus(await desk.owner.rest.get(`/${desk.projectId}/requests?limit=100`), 200);
  return (page.requests as { _id: string; status: number }[]).map((r) => ({ _id: r._id, status: r.status })).sort((a, b) => a._id.localeCompare(b._id));
}

/** The same shape from a live list. */
export function listed(items: { _id: string; status: number }[]): { _id: string; status: number }[] {
  return items.map((r) => ({ _id: r._id, status: r.status })).sort((a, b) => a._id.localeCompare(b._id));
}
