/**
 * Several deskwire nodes on this machine, as in production: one PostgreSQL schema, one Redis (bus and shared
 * limits), one JWT secret. The first node creates the schema, migrates and seeds it, then announces; only then do
 * the others start, joining that schema (they find the migrations applied). The first node is stopped last and
 * drops the schema. Clients are spread round-robin over the nodes.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startChild, type Child } from './children.js';
import { Fleet } from './fleet.js';
import { spreadOverNodes } from './spread.js';
import { serverNodeArgs } from './systems.js';
import type { ClientSpec } from './types.js';
import { benchConfig } from '../servers/bench-config.js';
import type { DeskwireAnnounce, DeskwireNodeAnnounce } from '../servers/deskwire.js';

/**
 * deskwire has no Redis key or channel prefix setting, so the bench keeps its keys (limit counters, node liveness)
 * in their own logical database. Pub/sub ignores the database index: the bus channels (`deskwire:events:*`) are
 * still shared with any other deskwire on the same Redis.
 */
export const BENCH_REDIS_DB = 13;

/** The Redis URL the nodes get: the given one, in BENCH_REDIS_DB unless it names a database already. */
export function benchRedisUrl(url: string, db = BENCH_REDIS_DB): string {
  const u = new URL(url);
  if (/^\/\d+$/.test(u.pathname)) return url;
  u.pathname = `/${db}`;
  return u.toString();
}

/** Users to seed so that no user holds more connections than WS_CONN_MAX_PER_USER allows. */
export function usersFor(clients: number, maxPerUser: number, agents: number, minAdmins: number): { agents: number; admins: number } {
  const needed = Math.ceil(clients / maxPerUser);
  return { agents, admins: Math.max(minAdmins, needed - agents) };
}

/**
 * Deletes this run's limit keys from the bench database. Rate windows expire by themselves, but a connection slot
 * a node still held when it stopped (a presence slot released after its Redis client closed, say) has no expiry.
 * Only keys ending in one of this run's user or project ids go: another run's keys are left alone.
 */
export async function forgetRun(redisUrl: string, ids: ReadonlySet<string>): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: 'deskwire:limits:*', count: 1000 }) as AsyncIterable<string[]>) {
      const ours = keys.filter((k) => ids.has(k.slice(k.lastIndexOf(':') + 1)));
      if (ours.length > 0) deleted += await redis.unlink(...ours);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export interface Cluster {
  fleet: Fleet;
  nodes: DeskwireNodeAnnounce[];
  seedMs: number;
  redisUrl: string;
  stop(): Promise<void>;
}

export async function startCluster(opts: { nodes: number; clients: number; generators: number; store: string }): Promise<Cluster> {
  const { nodes, clients } = opts;
  if (opts.store !== 'postgres' || !process.env.DATABASE_URL || !process.env.REDIS_URL) {
    throw new Error('the cluster scenario needs --store=postgres with DATABASE_URL, and REDIS_URL: nodes share one schema and one Redis');
  }
  // The orchestrator reads the same environment as the nodes, so it sees the limits they will enforce.
  const limits = benchConfig();
  if (clients > limits.wsConnMaxPerProject) {
    throw new Error(`${clients} connections in one project exceed WS_CONN_MAX_PER_PROJECT=${limits.wsConnMaxPerProject}: unset it (the bench raises it) or lower --connections`);
  }
  const { agents, admins } = usersFor(clients, limits.wsConnMaxPerUser, Math.min(300, Math.round(clients * 0.3)), 100);
  const redisUrl = benchRedisUrl(process.env.REDIS_URL);
  const env = { JWT_SECRET: randomBytes(32).toString('hex'), REDIS_URL: redisUrl };
  // A pool of 12 per node keeps three nodes well inside PostgreSQL's default 100 connections, shared with others.
  const common = ['--store=postgres', `--pool-max=${nodes > 1 ? 12 : 20}`];
  const servers: Child[] = [];
  const stopAll = async () => {
    await Promise.all(servers.slice(1).map((s) => s.stop(15_000)));
    await servers[0]?.stop(15_000);
  };
  try {
    const first = startChild('deskwire-1', 'servers/deskwire.ts', [...common, '--projects=1', `--agents=${agents}`, `--admins=${admins}`, '--departments=4', '--requests=8'], {
      env,
      nodeArgs: serverNodeArgs,
    });
    servers.push(first);
    const seed = await first.announce<DeskwireAnnounce>(600_000);
    for (let i = 1; i < nodes; i++) servers.push(startChild(`deskwire-${i + 1}`, 'servers/deskwire.ts', [...common, `--join=${seed.schema}`], { env, nodeArgs: serverNodeArgs }));
    const joined = await Promise.all(servers.slice(1).map((s) => s.announce<DeskwireNodeAnnounce>(120_000)));
    const announced: DeskwireNodeAnnounce[] = [seed, ...joined];

    const project = seed.projects[0]!;
    const agentUsers = project.users.filter((u) => u.role === 'agent');
    const everything = project.users.filter((u) => u.role !== 'agent');
    const specs: ClientSpec[] = [];
    for (let i = 0; i < clients; i++) {
      // As in the single-node scenarios: one connection per agent, the rest cycle over admins and supervisors.
      const u = i < agentUsers.length ? agentUsers[i]! : everything[(i - agentUsers.length) % everything.length]!;
      specs.push({ token: u.token, topics: [`/${project.id}/requests`, `/${project.id}/project_users/${u.projectUserId}`], cls: `${project.id}:${u.department ?? 'all'}` });
    }
    const fleet = new Fleet(
      servers,
      spreadOverNodes(specs, nodes),
      'ws',
      announced.map((a) => `${a.url.replace(/^http/, 'ws')}/v2/ws/`),
    );
    await fleet.start(opts.generators);
    const ids = new Set([project.id, ...project.users.map((u) => u.userId)]);
    return {
      fleet,
      nodes: announced,
      seedMs: seed.seedMs,
      redisUrl,
      async stop() {
        await fleet.stop();
        await forgetRun(redisUrl, ids).catch((error: unknown) => console.error(`bench: the run's Redis keys were not deleted: ${String(error)}`));
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
