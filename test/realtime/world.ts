import { TestClient } from './client.js';
import type { Harness } from './harness.js';

/** A project with an owner, an admin, a supervisor, two agents in two department pools and a visitor. */
export interface World {
  projectId: string;
  /** Agent A's pool (the default department). */
  depA: string;
  /** Agent B's pool. */
  depB: string;
  users: { owner: string; admin: string; supervisor: string; agentA: string; agentB: string; visitor: string; outsider: string };
  pus: { owner: string; admin: string; supervisor: string; agentA: string; agentB: string; visitor: string };
}

export async function makeWorld(h: Harness): Promise<World> {
  const { desk } = h;
  const { projectId, departmentId: depA } = await desk.project('Acme');
  const depB = await desk.department(projectId, 'Billing');
  const users = {
    owner: await desk.user('Olive'),
    admin: await desk.user('Adam'),
    supervisor: await desk.user('Sue'),
    agentA: await desk.user('Alice'),
    agentB: await desk.user('Bob'),
    visitor: await desk.user('Vic'),
    outsider: await desk.user('Otto'),
  };
  const pus = {
    owner: await desk.member(projectId, users.owner, 'owner'),
    admin: await desk.member(projectId, users.admin, 'admin'),
    supervisor: await desk.member(projectId, users.supervisor, 'supervisor'),
    agentA: await desk.member(projectId, users.agentA, 'agent', [depA]),
    agentB: await desk.member(projectId, users.agentB, 'agent', [depB]),
    visitor: await desk.member(projectId, users.visitor, 'guest'),
  };
  return { projectId, depA, depB, users, pus };
}

/** Connects as `userId` with the Tiledesk form `?token=JWT <jwt>`. */
export async function connectAs(h: Harness, userId: string): Promise<TestClient> {
  return TestClient.connect(`${h.wsUrl}?token=${encodeURIComponent(`JWT ${await h.token(userId)}`)}`);
}

/** Subscribes and waits for the snapshot (or the error) of that topic. */
export async function subscribed(c: TestClient, topic: string, extra: Record<string, unknown> = {}) {
  const from = c.frames.length;
  c.subscribe(topic, extra);
  return c.waitFor((f) => f.payload?.topic === topic && (f.action === 'error' || f.payload.method === 'CREATE'), `the snapshot of ${topic}`, { from });
}
