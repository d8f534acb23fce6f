/**
 * REST writes per second on the embedded store without sockets: `PATCH /:pid/requests/:rid` (a subject change: the
 * caller read, then one transaction of four statements with the outbox) through Fastify's inject, 64 in flight,
 * round-robin over 20 projects' requests. Measures the store's thread choice alone (no fan-out, no socket writes):
 *   PGLITE_THREAD=main   npx tsx bench/patch-throughput.ts [calls] [in flight]
 *   PGLITE_THREAD=worker npx tsx bench/patch-throughput.ts [calls] [in flight]
 * CPU is process.cpuUsage (both threads), divided by the calls.
 */
import { openStore, startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { countingDb } from './servers/counting-db.js';
import { seedProject, type SeededProject } from './servers/seed.js';

const calls = Number(process.argv[2] ?? 2_000);
const inFlight = Number(process.argv[3] ?? 64);
const unlimited = '100000000';
const config = loadConfig(
  {
    NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: ':memory:', JWT_SECRET: 'x'.repeat(48), LOG_LEVEL: 'silent', DEMO_DATA: 'false',
    USER_REQUESTS_PER_MINUTE: unlimited, REST_READS_PER_MINUTE: unlimited, REST_WRITES_PER_MINUTE: unlimited,
    ...(process.env.PGLITE_THREAD ? { PGLITE_THREAD: process.env.PGLITE_THREAD } : {}),
  },
  {},
);
const { db, counts } = countingDb(await openStore(config, { command: 'bench' }));
const app = await startApp(config, { db });
const projects: SeededProject[] = [];
for (let i = 0; i < 20; i++) projects.push(await seedProject(db, app.services, app.tokens, { projects: 1, agents: 3, admins: 2, departments: 2, requests: 10 }, i));

let made = 0;
const patch = async () => {
  const project = projects[made % projects.length]!;
  const request = project.requests[Math.floor(made / projects.length) % project.requests.length]!;
  made++;
  const response = await app.http.inject({
    method: 'PATCH',
    url: `/${project.id}/requests/${request.id}`,
    headers: { authorization: `JWT ${project.ownerToken}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ subject: `subject ${made}` }),
  });
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
};

for (let i = 0; i < 200; i++) await patch(); // warm-up (JIT, prepared statements)
const [queries, transactions] = [counts.queries, counts.transactions];
const cpu = process.cpuUsage();
const started = performance.now();
let left = calls;
await Promise.all(Array.from({ length: inFlight }, async () => {
  while (left-- > 0) await patch();
}));
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
console.log(
  `PGLITE_THREAD=${config.pgliteThread}: ${(calls / seconds).toFixed(0)} PATCH/s, ${((counts.queries - queries) / calls).toFixed(2)} statements and ` +
    `${((counts.transactions - transactions) / calls).toFixed(2)} transactions per call, ${((used.user + used.system) / calls).toFixed(0)} µs CPU per call ` +
    `(${calls} calls, ${inFlight} in flight)`,
);
await app.close();
