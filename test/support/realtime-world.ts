import { createDesk, newRequestId, type Desk, type Person } from './desk.js';
import { expectStatus } from './rest-client.js';
import { TestClient } from './ws-client.js';
import type { Harness } from './realtime-harness.js';

export type { Desk, Person };

/**
 * The lead's REST desk: owner, admin, supervisor; agents A and B in the pooled default "Support" department,
 * agent C in the assigned "Sales" department, agent D in none; visitors on demand.
 */
export function makeDesk(h: Harness): Promise<Desk> {
  return createDesk(h.url);
}

/**
 * Connects with the token the way the Tiledesk dashboard does (`?token=` + the sign-in token `JWT <jwt>`, space and
 * all) and declares the `delete` capability as deskwire's SDK does, so request visibility loss arrives as DELETE.
 */
export function connect(h: Harness, person: Pick<Person, 'token'>): Promise<TestClient> {
  return TestClient.connect(`${h.wsUrl}?token=${person.token}&capabilities=delete`);
}

/** Connects as an unmodified Tiledesk client does: the token and nothing else (PROTOCOL §9: no DELETE for it). */
export function connectPlain(h: Harness, person: Pick<Person, 'token'>): Promise<TestClient> {
  return TestClient.connect(`${h.wsUrl}?token=${person.token}`);
}

/** Connects as a user created by the fixtures, with a freshly issued token, declaring `delete` as the SDK does. */
export async function connectAs(h: Harness, userId: string): Promise<TestClient> {
  return TestClient.connect(`${h.wsUrl}?token=${encodeURIComponent(`JWT ${await h.token(userId)}`)}&capabilities=delete`);
}

/** Subscribes and waits for the snapshot (or the error) of that topic. */
export async function subscribed(c: TestClient, topic: string, extra: Record<string, unknown> = {}) {
  const from = c.frames.length;
  c.subscribe(topic, extra);
  return c.waitFor((f) => f.payload?.topic === topic && (f.action === 'error' || f.payload.method === 'CREATE'), `the snapshot of ${topic}`, { from });
}

/** A visitor's first message starts a request (routed by its department). Returns its request_id. */
export async function startRequest(desk: Desk, visitor: Person, opts: { departmentid?: string; text?: string } = {}): Promise<string> {
  const rid = newRequestId(desk.projectId);
  expectStatus(await visitor.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: opts.text ?? 'Hello', ...opts }), 201);
  return rid;
}

export async function post(desk: Desk, who: Person, rid: string, text: string): Promise<void> {
  expectStatus(await who.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text }), 201);
}

export async function assign(desk: Desk, by: Person, rid: string, member: Person): Promise<void> {
  expectStatus(await by.rest.post(`/${desk.projectId}/requests/${rid}/participants`, { member: member.userId }), 200);
}

export async function closeRequest(desk: Desk, by: Person, rid: string): Promise<void> {
  expectStatus(await by.rest.put(`/${desk.projectId}/requests/${rid}/close`, { force: true }), 200);
}
