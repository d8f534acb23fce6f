import { randomBytes } from 'node:crypto';
import { countUsers, findUserByEmail } from '../store/users.js';
import type { Services } from './services.js';
import type { Db } from '../store/db.js';

export interface DemoAccount {
  role: string;
  email: string;
}

export interface DemoData {
  projectId: string;
  password: string;
  accounts: DemoAccount[];
}

const people: { role: 'admin' | 'supervisor' | 'agent'; first: string; last: string }[] = [
  { role: 'admin', first: 'Ada', last: 'Admin' },
  { role: 'supervisor', first: 'Sam', last: 'Supervisor' },
  { role: 'agent', first: 'Alice', last: 'Agent' },
  { role: 'agent', first: 'Bob', last: 'Agent' },
  { role: 'agent', first: 'Carol', last: 'Agent' },
  { role: 'agent', first: 'Dan', last: 'Agent' },
];

/**
 * On an empty store: a demo project with an owner, an admin, a supervisor and four agents, a pooled "Support"
 * department (the default, agents 1–2) and an assigned "Sales" department (agents 3–4). Everyone shares one
 * random password, generated here and shown at start-up. Returns null when the store is not empty.
 */
export async function seedDemoData(db: Db, services: Services): Promise<DemoData | null> {
  if ((await countUsers(db)) > 0) return null;
  const password = randomBytes(9).toString('base64url');
  const owner = await services.auth.signup({ email: 'owner@demo.deskwire', password, firstname: 'Olivia', lastname: 'Owner' });
  const actor = { userId: owner.id };
  const project = await services.projects.create(actor, 'Demo Help Desk');
  const accounts: DemoAccount[] = [{ role: 'owner', email: owner.email! }];
  const userIds: string[] = [];
  for (const p of people) {
    const email = `${p.first.toLowerCase()}@demo.deskwire`;
    const user = await services.auth.signup({ email, password, firstname: p.first, lastname: p.last });
    await services.projectUsers.invite(actor, project.id, email, p.role);
    accounts.push({ role: p.role, email });
    if (p.role === 'agent') userIds.push(user.id);
  }
  const [support] = await services.departments.list(actor, project.id);
  await services.departments.update(actor, project.id, support!.id, { name: 'Support', members: [owner.id, userIds[0]!, userIds[1]!] });
  await services.departments.create(actor, project.id, { name: 'Sales', routing: 'assigned', members: [userIds[2]!, userIds[3]!] });
  return { projectId: project.id, password, accounts };
}

export async function demoOwnerId(db: Db): Promise<string | null> {
  return (await findUserByEmail(db, 'owner@demo.deskwire'))?.id ?? null;
}
