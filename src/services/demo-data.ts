import { randomBytes } from 'node:crypto';
import type { StartPoint } from '../config.js';
import { newId } from '../domain/ids.js';
import { HistoryDeltas } from '../domain/history.js';
import { defaultProjectSettings } from '../domain/project.js';
import type { Role } from '../domain/roles.js';
import { planSettings } from '../metrics/plan-settings.js';
import { seededRandom, syntheticConversations } from '../metrics/synthetic-history.js';
import { insertDepartment, setDepartmentMembers } from '../store/departments.js';
import { insertDemoCredentials, lockDemoSeed, type DemoData } from '../store/demo-credentials.js';
import { applyHistoryDeltas } from '../store/history.js';
import { OutboxWriter } from '../store/events.js';
import { insertProject, lockProject } from '../store/projects.js';
import { getProjectUser, insertProjectUser } from '../store/project-users.js';
import { countUsers, insertUser } from '../store/users.js';
import type { Queryable } from '../store/db.js';
import type { ServiceDeps } from './context.js';
import { emitProjectUserAs } from './emit.js';
import { hashPassword } from './passwords.js';
import { publishCommitted } from './project-write.js';

// The sign-in details live in the store with the demo data; the CLI reads them through this module.
export { readDemoCredentials, type DemoAccount, type DemoData } from '../store/demo-credentials.js';

const people: { role: Role; first: string; last: string }[] = [
  { role: 'owner', first: 'Olivia', last: 'Owner' },
  { role: 'admin', first: 'Ada', last: 'Admin' },
  { role: 'supervisor', first: 'Sam', last: 'Supervisor' },
  { role: 'agent', first: 'Alice', last: 'Agent' },
  { role: 'agent', first: 'Bob', last: 'Agent' },
  { role: 'agent', first: 'Carol', last: 'Agent' },
  { role: 'agent', first: 'Dan', last: 'Agent' },
];

const emailOf = (p: (typeof people)[number]) => `${p.role === 'owner' ? 'owner' : p.first.toLowerCase()}@demo.deskwire`;

// Any constant works; it only has to be the same on every node so that nodes starting together seed once.
const DEMO_LOCK = 72_530_115;

/**
 * On an empty store: a demo project with an owner, an admin, a supervisor and four agents, a pooled "Support"
 * department (the default: the owner and agents 1–2) and an assigned "Sales" department (agents 3–4).
 * Owner, admin and supervisor do not take chats (`takes_chats` off, the column's default): the agents figures and
 * routing count the four agents, once they are connected. The project starts with 28 days of generated history
 * (demoHistory) so that its forecast and staffing plan show at once. Everyone
 * shares one random password, generated here and shown at start-up.
 *
 * All of it, and the sign-in details, are written in one transaction under an advisory lock: a start killed at any
 * point leaves an empty store (the next start seeds again), and nodes starting together on one PostgreSQL seed once.
 * Returns null when the store was not empty.
 */
export async function seedDemoData(deps: ServiceDeps, pause: (point: StartPoint) => Promise<void> = async () => {}): Promise<DemoData | null> {
  if ((await countUsers(deps.db)) > 0) return null;
  const password = randomBytes(9).toString('base64url');
  // Hashing is slow on purpose (scrypt): done before the transaction, which then holds its locks for milliseconds.
  const hashes = await Promise.all(people.map(() => hashPassword(password)));
  // The generated history too (a few hundred milliseconds): the transaction only writes it.
  const supportId = newId();
  const salesId = newId();
  const history = demoHistory([
    { id: supportId, weight: 0.7 },
    { id: salesId, weight: 0.3 },
  ]);
  const { demo, events } = await deps.db.transaction(async (tx) => {
    await lockDemoSeed(tx, DEMO_LOCK);
    // Another node seeded (or someone signed up) while we hashed.
    if ((await countUsers(tx)) > 0) return { demo: null, events: [] };
    const projectId = newId();
    await insertProject(tx, { id: projectId, name: 'Demo Help Desk', epoch: randomBytes(8).toString('hex'), settings: defaultProjectSettings });
    const project = (await lockProject(tx, projectId))!;
    const outbox = new OutboxWriter(project);
    const members: { userId: string; puId: string }[] = [];
    for (const [i, p] of people.entries()) {
      const userId = newId();
      await insertUser(tx, { id: userId, email: emailOf(p), passwordHash: hashes[i]!, firstname: p.first, lastname: p.last });
      members.push({ userId, puId: newId() });
      if (i === 2) await pause('mid-seed');
    }
    for (const [i, p] of people.entries()) await insertProjectUser(tx, { id: members[i]!.puId, projectId, userId: members[i]!.userId, role: p.role });
    const [owner, , , a1, a2, a3, a4] = members.map((m) => m.userId);
    await addDepartment(tx, supportId, projectId, 'Support', 'pooled', true, [owner!, a1!, a2!]);
    await addDepartment(tx, salesId, projectId, 'Sales', 'assigned', false, [a3!, a4!]);
    await applyHistoryDeltas(tx, projectId, history);
    for (const m of members) emitProjectUserAs(outbox, (await getProjectUser(tx, projectId, m.puId))!, 'CREATE');
    await outbox.flush(tx);
    const demo: DemoData = { projectId, password, accounts: people.map((p) => ({ role: p.role, email: emailOf(p) })) };
    await insertDemoCredentials(tx, demo);
    return { demo, events: outbox.events };
  });
  await publishCommitted(deps, events);
  return demo;
}

async function addDepartment(tx: Queryable, id: string, projectId: string, name: string, routing: 'pooled' | 'assigned', isDefault: boolean, members: string[]): Promise<void> {
  await insertDepartment(tx, { id, projectId, name, routing, isDefault });
  await setDepartmentMembers(tx, id, members);
}

/** Days of generated past traffic the demo project starts with: enough for the forecast's weekly methods. */
export const DEMO_HISTORY_DAYS = 28;

/**
 * The demo's past: DEMO_HISTORY_DAYS of generated traffic (what `deskwire seed-history` imports), summed in memory
 * here and written as history rows in the seeding's transaction (a few thousand rows, one statement), so a fresh
 * `npm start` shows a forecast and a staffing plan at once and a killed start leaves no history behind.
 */
function demoHistory(departments: { id: string; weight: number }[]): HistoryDeltas {
  const { timeZone, service_level_seconds: sl } = planSettings({ ...defaultProjectSettings });
  const deltas = new HistoryDeltas();
  for (const c of syntheticConversations({ days: DEMO_HISTORY_DAYS, end: Date.now(), timeZone, departments, random: seededRandom(Date.now()) })) {
    deltas.add(c, 1, sl);
  }
  return deltas;
}
