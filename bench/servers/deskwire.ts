/**
 * The deskwire bench server: the real app (`startApp`) on in-memory PGlite, or on PostgreSQL with --store=postgres
 * (DATABASE_URL, in a private schema dropped at exit), connection limits raised, seeded, then announced as one
 * JSON line on stdout: url, projects, tokens, and the encoded size of a request UPDATE frame. Standalone use:
 *   npx tsx bench/servers/deskwire.ts --projects=1 --agents=300 --admins=100
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { redactPaths, startApp } from '../../src/app.js';
import { encodeServerFrame } from '../../src/protocol/codec.js';
import type { Db } from '../../src/store/db.js';
import { PgliteDb } from '../../src/store/pglite-db.js';
import { PostgresDb } from '../../src/store/pg-db.js';
import { serveRpc } from '../lib/rpc.js';
import { benchConfig } from './bench-config.js';
import { countingDb } from './counting-db.js';
import { collectGarbage, processStats } from './process-stats.js';
import { seedProject, type SeededProject } from './seed.js';

export interface DeskwireAnnounce {
  kind: 'deskwire';
  url: string;
  pid: number;
  store: string;
  projects: SeededProject[];
  /** A request as its UPDATE event carries it, and the encoded frame's size: the baselines send the same. */
  sampleMessage: Record<string, unknown>;
  frameBytes: number;
  seedMs: number;
}

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '1' },
    agents: { type: 'string', default: '300' },
    admins: { type: 'string', default: '100' },
    departments: { type: 'string', default: '4' },
    requests: { type: 'string', default: '8' },
    store: { type: 'string', default: 'pglite' },
  },
});
const shape = {
  projects: Number(values.projects),
  agents: Number(values.agents),
  admins: Number(values.admins),
  departments: Number(values.departments),
  requests: Number(values.requests),
};

async function openDb(): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (values.store !== 'postgres') return { db: await PgliteDb.open(null), drop: async () => {} };
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('--store=postgres needs DATABASE_URL');
  const schema = `deskwire_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    db: PostgresDb.connect(url, { schema, max: 20 }),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

const opened = await openDb();
const { drop } = opened;
const { db, counts } = countingDb(opened.db);
const config = benchConfig();
// Logs go to stderr: stdout carries the announce line only.
const logger = pino({ level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' } }, pino.destination(2));
const app = await startApp(config, { db, logger });
const seedStarted = performance.now();
const projects: SeededProject[] = [];
for (let i = 0; i < shape.projects; i++) projects.push(await seedProject(db, app.services, app.tokens, shape, i));
const seedMs = performance.now() - seedStarted;

const first = projects[0]!;
const ownerId = (await app.tokens.verify(first.ownerToken)).userId;
const sampleMessage = (await app.services.requests.get({ userId: ownerId }, first.id, first.requests[0]!.id)) as unknown as Record<string, unknown>;
const frameBytes = Buffer.byteLength(
  encodeServerFrame({ action: 'publish', payload: { topic: `/${first.id}/requests`, method: 'UPDATE', message: sampleMessage, seq: 12345, epoch: 'e'.repeat(16) } }),
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Bounded: a stuck close must not keep the bench waiting.
  setTimeout(() => process.exit(0), 5000).unref();
  await app.close().catch(() => {});
  await db.close().catch(() => {});
  await drop().catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

if (process.send) {
  serveRpc(
    {
      stats: () => ({ ...processStats(app.gateway?.connectionCount), store: { ...counts } }),
      async gcStats() {
        await collectGarbage();
        return { ...processStats(app.gateway?.connectionCount), store: { ...counts } };
      },
    },
    () => void stop(),
  );
}

const announce: DeskwireAnnounce = { kind: 'deskwire', url: app.url, pid: process.pid, store: db.kind, projects, sampleMessage, frameBytes, seedMs };
process.stdout.write(`${JSON.stringify(announce)}\n`);
