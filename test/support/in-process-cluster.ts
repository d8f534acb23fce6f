import { startApp, type App } from '../../src/app.js';
import type { Db } from '../../src/store/db.js';
import { createTestSchema, postgresSkipReason, testConfig, type TestSchema } from './test-app.js';
import { redisSkipReason } from './redis.js';

/** Cluster tests need PostgreSQL and Redis; they skip on a bare laptop, never under CI. */
export function clusterSkipReason(): string | false {
  const pg = postgresSkipReason();
  if (pg) return pg;
  return redisSkipReason('cluster');
}

export interface InProcessCluster {
  apps: App[];
  close(): Promise<void>;
}

/**
 * `count` nodes in this process on one private PostgreSQL schema and the machine's Redis, sharing one JWT secret as
 * a real deployment does (a token from one node works on every node).
 */
export async function startInProcessCluster(count: number, overrides: Record<string, string> = {}): Promise<InProcessCluster> {
  const schema: TestSchema = await createTestSchema();
  const config = testConfig({ REDIS_URL: process.env.REDIS_URL!, JWT_SECRET: 'in-process-cluster-secret-'.padEnd(48, 'x'), ...overrides });
  const nodes: { app: App; db: Db }[] = [];
  for (let i = 0; i < count; i++) {
    const db = schema.connect();
    nodes.push({ app: await startApp(config, { db }), db });
  }
  return {
    apps: nodes.map((n) => n.app),
    async close() {
      for (const { app, db } of nodes) {
        await app.close();
        await db.close();
      }
      await schema.drop();
    },
  };
}
