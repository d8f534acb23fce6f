import { randomBytes } from 'node:crypto';
import { expectStatus, Rest } from './rest-client.js';

export interface Person {
  userId: string;
  email: string;
  token: string;
  rest: Rest;
  projectUserId: string;
}

/**
 * A project set up through the REST API as a person would: an owner, an admin, a supervisor, agents A and B in a
 * pooled "Support" department (the default), agent C in an assigned "Sales" department, and agent D in none.
 */
export interface Desk {
  projectId: string;
  supportId: string;
  salesId: string;
  owner: Person;
  admin: Person;
  supervisor: Person;
  agentA: Person;
  agentB: Person;
  agentC: Person;
  agentD: Person;
  anonymous: Rest;
  /** A signed-in visitor (guest) of the project. */
  visitor(name?: string): Promise<Person>;
}

export async function signUp(baseUrl: string, name: string): Promise<Omit<Person, 'projectUserId'>> {
  const anonymous = new Rest(baseUrl);
  const email = `${name}-${randomBytes(4).toString('hex')}@test.deskwire`;
  const password = 'correct horse battery';
  expectStatus(await anonymous.post('/auth/signup', { email, password, firstname: name, lastname: 'Test' }), 201);
  const signin = expectStatus(await anonymous.post('/auth/signin', { email, password }), 200);
  return { userId: signin.user._id, email, token: signin.token, rest: anonymous.as(signin.token) };
}

export async function createDesk(baseUrl: string): Promise<Desk> {
  const anonymous = new Rest(baseUrl);
  const ownerBase = await signUp(baseUrl, 'owner');
  const project = expectStatus(await ownerBase.rest.post('/projects', { name: 'Test Desk' }), 201);
  const projectId: string = project.id;
  const me = expectStatus(await ownerBase.rest.get(`/${projectId}/project_users/me`), 200);
  const owner: Person = { ...ownerBase, projectUserId: me._id };
  const join = async (name: string, role: string): Promise<Person> => {
    const p = await signUp(baseUrl, name);
    const pu = expectStatus(await owner.rest.post(`/${projectId}/project_users/invite`, { email: p.email, role }), 201);
    return { ...p, projectUserId: pu._id };
  };
  const admin = await join('admin', 'admin');
  const supervisor = await join('supervisor', 'supervisor');
  const agentA = await join('agentA', 'agent');
  const agentB = await join('agentB', 'agent');
  const agentC = await join('agentC', 'agent');
  const agentD = await join('agentD', 'agent');
  // A REST-only desk: nobody holds a Realtime connection, so presence is ignored (Tiledesk's behaviour) and routing
  // works on the availability switch and the chat limit alone. Tests of presence turn `ignore_presence` off.
  expectStatus(await owner.rest.put(`/projects/${projectId}`, { settings: { ignore_presence: true } }), 200);
  const departments = expectStatus(await owner.rest.get(`/${projectId}/departments`), 200);
  const supportId: string = departments[0].id;
  expectStatus(await owner.rest.put(`/${projectId}/departments/${supportId}`, { name: 'Support', members: [agentA.userId, agentB.userId] }), 200);
  const sales = expectStatus(await owner.rest.post(`/${projectId}/departments`, { name: 'Sales', routing: 'assigned', members: [agentC.userId] }), 201);
  return {
    projectId,
    supportId,
    salesId: sales.id,
    owner,
    admin,
    supervisor,
    agentA,
    agentB,
    agentC,
    agentD,
    anonymous,
    async visitor(name = 'visitor') {
      const signin = expectStatus(await anonymous.post('/auth/signinAnonymously', { id_project: projectId, firstname: name }), 200);
      const rest = anonymous.as(signin.token);
      const pu = expectStatus(await rest.get(`/${projectId}/project_users/me`), 200);
      return { userId: signin.user._id, email: '', token: signin.token, rest, projectUserId: pu._id };
    },
  };
}

let counter = 0;
/** A fresh request id in Tiledesk's form. */
export function newRequestId(projectId: string): string {
  counter += 1;
  return `support-group-${projectId}-${randomBytes(6).toString('hex')}${counter}`;
}
