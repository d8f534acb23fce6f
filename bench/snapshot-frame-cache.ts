/**
 * CPU cost of the supervisors' `/P/requests` snapshot frame for a subscriber whose batch is not the first at the
 * project's seq: before, every batch's fresh read was serialized again (snapshotFrame keys by the read object);
 * now the frame cached at that seq is reused (SnapshotFrameCache). The list is a real one: a project seeded the
 * way the benchmark server seeds (bench/servers/seed.ts), read from PGlite with the snapshot's query and limit.
 * CPU time per frame (process.cpuUsage) after a warm-up, so a loaded machine changes it little.
 *   npx tsx bench/snapshot-frame-cache.ts [frames] [requests]
 */
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { SnapshotFrameCache } from '../src/realtime/snapshot-frame-cache.js';
import { snapshotFrame } from '../src/realtime/snapshot-frames.js';
import { listRequests } from '../src/store/requests.js';
import { seedProject } from './servers/seed.js';

const frames = Number(process.argv[2] ?? 2_000);
const requests = Number(process.argv[3] ?? 150);
const config = loadConfig(
  { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: ':memory:', JWT_SECRET: 'x'.repeat(48), LOG_LEVEL: 'silent', DEMO_DATA: 'false' },
  {},
);
const app = await startApp(config);
const project = await seedProject(app.db, app.services, app.tokens, { projects: 1, agents: 10, admins: 5, departments: 3, requests }, 0);
const limit = config.wsHistoryRequestsLimit;
const read = () => listRequests(app.db, { projectId: project.id, statuses: null, openForRealtime: true, agent: undefined, limit, offset: 0 });
// One fresh read per "batch", made before the clock starts: only the encoding is timed.
const reads = await Promise.all(Array.from({ length: Math.min(frames, 200) }, read));
const topic = `/${project.id}/requests`;
const bytes = snapshotFrame(topic, reads[0], 1, 'epoch', false).length;

function measure(name: string, frameOf: (i: number) => Buffer): void {
  for (let i = 0; i < 200; i++) frameOf(i);
  const start = process.cpuUsage();
  for (let i = 0; i < frames; i++) frameOf(i);
  const used = process.cpuUsage(start);
  console.log(`${name.padEnd(44)} ${((used.user + used.system) / frames).toFixed(1).padStart(8)} µs CPU per frame`);
}

console.log(`supervisors' list: ${reads[0]!.length} requests (limit ${limit}), ${bytes} bytes per frame; ${frames} frames`);
let seq = 0;
// Before: each batch read its own list object, so each batch serialized it again. A shallow copy per round stands
// for the batch's own read (snapshotFrame keys its per-read frames by the object; the copy dies with its frame, as
// a batch's read does, instead of piling frames up in memory).
const before = (i: number) => snapshotFrame(topic, [...reads[i % reads.length]!], ++seq, 'epoch', false);
measure('before: each batch encodes its read', before);
const cache = new SnapshotFrameCache();
measure('after: the frame cached at the seq', (i) => cache.frame(project.id, 1, 'epoch', `supervising\n${topic}\nfalse`, () => snapshotFrame(topic, reads[i % reads.length], 1, 'epoch', false)));
measure('before (again)', before);
measure('after (again)', (i) => cache.frame(project.id, 1, 'epoch', `supervising\n${topic}\nfalse`, () => snapshotFrame(topic, reads[i % reads.length], 1, 'epoch', false)));
await app.close();
