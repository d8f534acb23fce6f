/**
 * The deskwire bench server: the real app (`startApp`) on in-memory PGlite, or on PostgreSQL with --store=postgres
 * (DATABASE_URL, in a private schema dropped at exit), connection limits raised, seeded, then announced as one
 * JSON line on stdout: url, projects, tokens, and the encoded size of a request UPDATE frame. Standalone use:
 *   npx tsx bench/servers/deskwire.ts --projects=1 --agents=300 --admins=100
 * A further node of a cluster joins the first one's schema with --join=SCHEMA: it neither seeds nor drops, and
 * announces only its URL (the nodes share JWT_SECRET and REDIS_URL through the environment).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { redactPaths, startApp } from '../../src/app.js';
import { encodeServerFrame } from '../../src/protocol/codec.js';
import type { Db } from '../../src/store/db.js';
import { openPglite } from '../../src/store/open-pglite.js';
import { PostgresDb } from '../../src/store/pg-db.js';
import { serveRpc } from '../lib/rpc.js';
import { benchConfig } from './bench-config.js';
import { PgliteWorkerDb } from '../../src/store/pglite-worker-db.js';
import { countingDb } from './counting-db.js';
import { collectGarbage, fdSoftLimit, processStats } from './process-stats.js';
import { seedProject, type SeededProject } from './seed.js';

/** What every deskwire node announces. */
export interface DeskwireNodeAnnounce {
  kind: 'deskwire';
  url: string;
  pid: number;
  store: string;
  /** The PostgreSQL schema the node runs in; null on PGlite. */
  schema: string | null;
  /** This process's soft limit on open files (each connection is one): null where it cannot be read. */
  fdLimit: number | null;
}

/** What the seeding node announces besides. */
export interface DeskwireAnnounce extends DeskwireNodeAnnounce {
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
    join: { type: 'string' },
    'pool-max': { type: 'string', default: '20' },
  },
});
const shape = {
  projects: Number(values.projects),
  agents: Number(values.agents),
  admins: Number(values.admins),
  departments: Number(values.departments),
  requests: Number(values.requests),
};

async function openDb(): Promise<{ db: Db; schema: string | null; drop: () => Promise<void> }> {
  if (values.store !== 'postgres') {
    if (values.join) throw new Error('--join needs --store=postgres: PGlite cannot be shared between processes');
    // On the thread PGLITE_THREAD names (the server's default: the event loop's thread).
    return { db: await openPglite(null, config.pgliteThread), schema: null, drop: async () => {} };
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('--store=postgres needs DATABASE_URL');
  const max = Number(values['pool-max']);
  if (values.join) {
    if (!/^deskwire_bench_[0-9a-f]+$/.test(values.join)) throw new Error(`--join=${values.join} is not a bench schema`);
    // The first node created, migrated and seeded it, and drops it when it stops.
    return { db: PostgresDb.connect(url, { schema: values.join, max }), schema: values.join, drop: async () => {} };
  }
  const schema = `deskwire_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    db: PostgresDb.connect(url, { schema, max }),
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

const config = benchConfig();
const opened = await openDb();
const { drop } = opened;
const { db, counts } = countingDb(opened.db);
// Logs go to stderr: stdout carries the announce line only.
const logger = pino({ level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' } }, pino.destination(2));
const app = await startApp(config, { db, logger });

/** The seed, and what the baselines need to send the same frame; the joining nodes of a cluster seed nothing. */
async function seed(): Promise<Omit<DeskwireAnnounce, keyof DeskwireNodeAnnounce>> {
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
  return { projects, sampleMessage, frameBytes, seedMs };
}
const seeded = values.join ? null : await seed();

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Bounded: a stuck close must not keep the bench waiting, nor keep the schema from being dropped.
  setTimeout(() => process.exit(0), 12_000).unref();
  const atMost = (ms: number, p: Promise<unknown>) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);
  await atMost(6000, app.close());
  await atMost(2000, db.close());
  await drop().catch((error: unknown) => logger.error({ err: error }, 'bench schema not dropped'));
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
        // The store's worker holds a heap of its own in the same process (RSS): collected too, or a sample taken
        // after seeding counts the seed's garbage there and a later one finds it gone (negative KB per connection).
        if (opened.db instanceof PgliteWorkerDb) await opened.db.collectGarbage();
        return { ...processStats(app.gateway?.connectionCount), store: { ...counts } };
      },
    },
    () => void stop(),
  );
}

const node: DeskwireNodeAnnounce = { kind: 'deskwire', url: app.url, pid: process.pid, store: db.kind === 'pglite' ? `pglite (${config.pgliteThread} thread)` : db.kind, schema: opened.schema, fdLimit: fdSoftLimit() };
const announce: DeskwireNodeAnnounce | DeskwireAnnounce = seeded ? { ...node, ...seeded } : node;
process.stdout.write(`${JSON.stringify(announce)}\n`);
