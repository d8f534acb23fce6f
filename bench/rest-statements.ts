/**
 * Store statements and CPU per authenticated REST call on a project route: `GET /:pid/requests/:rid`
 * (the caller checked, the project's limit overrides read for its rate limit, then the route's own reads), on the
 * embedded store in memory, through Fastify's inject (no sockets: the figure is the server's own work).
 * Statements are counted by a wrapper around the store (bench/servers/counting-db.ts); CPU is process.cpuUsage
 * over the calls (both threads: the store runs on its worker), divided by the number of calls.
 *   npx tsx bench/rest-statements.ts [calls]
 */
import { openStore, startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { countingDb } from './servers/counting-db.js';
import { seedProject } from './servers/seed.js';

const calls = Number(process.argv[2] ?? 2_000);
const config = loadConfig(
  { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: ':memory:', JWT_SECRET: 'x'.repeat(48), LOG_LEVEL: 'silent', DEMO_DATA: 'false', USER_REQUESTS_PER_MINUTE: '100000000', REST_READS_PER_MINUTE: '100000000' },
  {},
);
const { db, counts } = countingDb(await openStore(config, { command: 'bench' }));
const app = await startApp(config, { db });
const project = await seedProject(db, app.services, app.tokens, { projects: 1, agents: 10, admins: 5, departments: 3, requests: 20 }, 0);
const url = `/${project.id}/requests/${project.requests[0]!.id}`;
const headers = { authorization: `JWT ${project.ownerToken}` };
const call = async () => {
  const response = await app.http.inject({ method: 'GET', url, headers });
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
};

for (let i = 0; i < 200; i++) await call(); // warm-up (JIT, prepared statements)
const queries = counts.queries;
const cpu = process.cpuUsage();
for (let i = 0; i < calls; i++) await call();
const used = process.cpuUsage(cpu);
console.log(`GET ${url.replace(project.id, ':pid').replace(project.requests[0]!.id, ':rid')}: ${((counts.queries - queries) / calls).toFixed(2)} statements per call, ${((used.user + used.system) / calls).toFixed(0)} µs CPU per call (${calls} calls)`);
await app.close();
