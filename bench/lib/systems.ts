/**
 * The systems under test, each started fresh for a scenario: the deskwire server with its REST writer, or a
 * baseline server that makes its own paced changes. Either way the load generators, the payload and the counting
 * are the same; only who makes the change differs (deskwire: a real commit; baselines: a timer).
 */
import { startChild, type Child } from './children.js';
import { Fleet } from './fleet.js';
import { Histogram } from './histogram.js';
import { sampleMessage } from './sample-message.js';
import type { ClientSpec, ServerAnnounce, Transport } from './types.js';
import type { DeskwireAnnounce } from '../servers/deskwire.js';
import type { WriteResult, WriteTarget } from '../writer/rest-writer.js';

/** Extra node flags for the server processes, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=bench/results/prof". */
export const serverNodeArgs = ['--expose-gc', ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];

export type SystemKind = 'deskwire' | 'ws-per-event' | 'ws-coalesced' | 'socketio';
export const BASELINES: SystemKind[] = ['ws-per-event', 'ws-coalesced', 'socketio'];

export interface Shape {
  projects: number;
  subscribersPerProject: number;
}

export interface DriveResult {
  /** Live events each client of a class should have received. */
  expected: Record<string, number>;
  changes: number;
  durationMs: number;
  /** The REST writer's view (deskwire only). */
  write?: { skipped: number; failed: number; rest: ReturnType<Histogram['summary']>; errors: string[] };
}

export interface System {
  kind: SystemKind;
  fleet: Fleet;
  /** Average deliveries one change causes, given who may see what. */
  fanoutPerChange: number;
  /** The server's soft limit on open files, where it reports one (deskwire). */
  fdLimit?: number | null;
  drive(rate: number, durationMs: number): Promise<DriveResult>;
  stop(): Promise<void>;
}

/** "A few hundred agents with different visibility, the rest admins and supervisors" (issue 8), scaled down for small projects. */
function roster(subscribers: number): { agents: number; admins: number } {
  const agents = Math.min(300, Math.round(subscribers * 0.3));
  return { agents, admins: Math.max(1, Math.min(100, subscribers - agents)) };
}

export async function startSystem(kind: SystemKind, shape: Shape, generators: number, store = 'pglite'): Promise<System> {
  return kind === 'deskwire' ? startDeskwire(shape, generators, store) : startBaseline(kind, shape, generators);
}

async function startDeskwire(shape: Shape, generators: number, store: string): Promise<System> {
  const { agents, admins } = roster(shape.subscribersPerProject);
  const departments = 4;
  const server = startChild('deskwire', 'servers/deskwire.ts', [
    `--projects=${shape.projects}`,
    `--agents=${agents}`,
    `--admins=${admins}`,
    `--departments=${departments}`,
    `--requests=${departments * 2}`,
    `--store=${store}`,
  ], { nodeArgs: serverNodeArgs });
  const seed = await server.announce<DeskwireAnnounce>(600_000);
  const specs: ClientSpec[] = [];
  for (const p of seed.projects) {
    const agentUsers = p.users.filter((u) => u.role === 'agent');
    const everything = p.users.filter((u) => u.role !== 'agent');
    for (let i = 0; i < shape.subscribersPerProject; i++) {
      // One connection per agent; the remaining connections cycle over the admins and supervisors.
      const u = i < agentUsers.length ? agentUsers[i]! : everything[(i - agentUsers.length) % everything.length]!;
      specs.push({ token: u.token, topics: [`/${p.id}/requests`, `/${p.id}/project_users/${u.projectUserId}`], cls: `${p.id}:${u.department ?? 'all'}` });
    }
  }
  const targets: WriteTarget[] = seed.projects.flatMap((p) => p.requests.map((r) => ({ projectId: p.id, requestId: r.id, token: p.ownerToken })));
  /** Classes that see each target: everyone who sees all of its project, and the agents of its pool. */
  const seers = seed.projects.flatMap((p) => p.requests.map((r) => [`${p.id}:all`, `${p.id}:${r.department}`]));
  const perClass = new Map<string, number>();
  for (const s of specs) perClass.set(s.cls, (perClass.get(s.cls) ?? 0) + 1);
  const fanoutPerChange = seers.reduce((acc, cls) => acc + cls.reduce((a, c) => a + (perClass.get(c) ?? 0), 0), 0) / seers.length;

  const fleet = new Fleet([server], specs, 'ws', [`${seed.url.replace(/^http/, 'ws')}/v2/ws/`]);
  await fleet.start(generators);
  const writer = startChild('writer', 'writer/rest-writer.ts');
  await writer.announce();
  return {
    kind: 'deskwire',
    fleet,
    fanoutPerChange,
    fdLimit: seed.fdLimit,
    async drive(rate, durationMs) {
      const w = await writer.rpc.call<WriteResult>('run', { baseUrl: seed.url, targets, rate, durationMs, maxInFlight: 64 }, durationMs + 120_000);
      const expected: Record<string, number> = {};
      w.okPerTarget.forEach((n, i) => {
        for (const cls of seers[i]!) expected[cls] = (expected[cls] ?? 0) + n;
      });
      const rest = new Histogram();
      rest.merge(w.rest);
      return { expected, changes: w.ok, durationMs: w.durationMs, write: { skipped: w.skipped, failed: w.failed, rest: rest.summary(), errors: w.errors } };
    },
    async stop() {
      await writer.stop();
      await fleet.stop();
    },
  };
}

async function startBaseline(kind: SystemKind, shape: Shape, generators: number): Promise<System> {
  const script = kind === 'socketio' ? 'servers/socketio-baseline.ts' : 'servers/ws-baseline.ts';
  const args = kind === 'socketio' ? [] : [`--mode=${kind === 'ws-coalesced' ? 'coalesced' : 'per-event'}`];
  const server: Child = startChild(kind, script, args, { nodeArgs: serverNodeArgs });
  const announce = await server.announce<ServerAnnounce>();
  const specs: ClientSpec[] = [];
  const topics: string[] = [];
  for (let p = 0; p < shape.projects; p++) {
    topics.push(`/p${p}/requests`);
    for (let i = 0; i < shape.subscribersPerProject; i++) specs.push({ token: null, topics: [`/p${p}/requests`, `/p${p}/project_users/u${i}`], cls: `p${p}` });
  }
  const transport: Transport = kind === 'socketio' ? 'socketio' : 'ws';
  const fleet = new Fleet([server], specs, transport, [announce.url]);
  await fleet.start(generators);
  return {
    kind,
    fleet,
    fanoutPerChange: shape.subscribersPerProject,
    async drive(rate, durationMs) {
      const started = performance.now();
      const emitted = await server.rpc.call<Record<string, number>>('emit', { topics, rate, durationMs, message: sampleMessage }, durationMs + 120_000);
      const expected: Record<string, number> = {};
      for (const [topic, n] of Object.entries(emitted)) expected[topic.split('/')[1]!] = n;
      return { expected, changes: Object.values(emitted).reduce((a, b) => a + b, 0), durationMs: performance.now() - started };
    },
    stop: () => fleet.stop(),
  };
}

/** One unmeasured second at a tenth of the first rate: JIT, pools and caches warm before anything is counted. */
export async function warmUp(sys: System, offeredPerSec: number): Promise<void> {
  await sys.drive(Math.max(1, offeredPerSec / 10 / sys.fanoutPerChange), 1000);
  await new Promise((r) => setTimeout(r, 500));
}
