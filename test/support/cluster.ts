import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { embeddedEnv, spawnServer, type SpawnedServer } from './spawn-server.js';
import { createTestSchema, generousRequestBudgets, type TestSchema } from './test-app.js';

/** A free TCP port on loopback (for servers that must come back on the same port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Redis server of the test's own, so a test can stop and restart it without touching the machine's. */
export class OwnRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
    });
  }

  /** SIGSTOP: the server keeps its connections open but answers nothing, as a hung host or a silent partition. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** SIGCONT after `pause`. */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

/** deskwire nodes as real processes on one PostgreSQL schema and one Redis. */
export class ProcessCluster {
  readonly nodes: SpawnedServer[] = [];
  private constructor(
    readonly schema: TestSchema,
    readonly redis: OwnRedis,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(count: number, extraEnv: Record<string, string> = {}): Promise<ProcessCluster> {
    const schema = await createTestSchema();
    const redis = new OwnRedis(await freePort());
    await redis.start();
    const db = new URL(process.env.DATABASE_URL!);
    db.searchParams.set('options', `-c search_path=${schema.name}`);
    const env = embeddedEnv({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: db.toString(),
      REDIS_URL: redis.url,
      JWT_SECRET: 'process-cluster-secret-'.padEnd(48, 'x'),
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      ...generousRequestBudgets,
      ...extraEnv,
    });
    const cluster = new ProcessCluster(schema, redis, env);
    // The first node migrates the empty schema; the others start together.
    await cluster.addNode();
    await Promise.all(Array.from({ length: count - 1 }, () => cluster.addNode()));
    return cluster;
  }

  async addNode(): Promise<SpawnedServer> {
    const node = await spawnServer(process.execPath, ['bin/deskwire.js', 'serve'], this.env, 30_000);
    this.nodes.push(node);
    return node;
  }

  static portOf(node: SpawnedServer): number {
    return Number(new URL(node.url).port);
  }

  /** SIGKILL: no drain, no cleanup, as a crash. */
  async kill(node: SpawnedServer): Promise<void> {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return;
    const exited = once(node.child, 'exit');
    node.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: the graceful drain; resolves with the exit code. */
  async terminate(node: SpawnedServer): Promise<number | null> {
    if (node.child.exitCode !== null) return node.child.exitCode;
    const exited = once(node.child, 'exit') as Promise<[number | null]>;
    node.child.kill('SIGTERM');
    return (await exited)[0];
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.kill(n)));
    await this.redis.stop();
    await this.schema.drop();
  }
}
