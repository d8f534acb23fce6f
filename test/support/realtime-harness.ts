/**
 * A real server for the realtime tests: the app (`startApp`: store, services, REST) on an ephemeral port, with the
 * Realtime gateway on its HTTP server, on PGlite or on PostgreSQL (`storeKinds()`: PostgreSQL when DATABASE_URL is
 * set). Changes are driven through REST (`realtime-world.ts`), or, for volume and fault tests, written straight to the store
 * and the outbox the way services write them (`outbox-desk.ts`).
 */
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/store/db.js';
import { attachRealtimeGateway, type RealtimeGateway } from '../../src/realtime/gateway.js';
import type { Logger } from '../../src/realtime/logger.js';
import { findUserById } from '../../src/store/users.js';
import { startTestApp, type StoreKind, type TestApp } from './test-app.js';
import { OutboxDesk } from './outbox-desk.js';

export { storeKinds, type StoreKind } from './test-app.js';

export interface LogEntry {
  level: keyof Logger;
  fields: Record<string, unknown>;
  message: string;
}

/**
 * Holds the gateway's snapshot transactions after they commit, so a test can write events exactly while a
 * subscription is between its snapshot read and going live (PGlite's serialized transactions never interleave there).
 */
export class SnapshotGate {
  private gate: Promise<void> | null = null;
  private open: () => void = () => {};
  private arrive: () => void = () => {};
  /** Resolves once a snapshot transaction has committed and is waiting at the gate. */
  arrived: Promise<void> = Promise.resolve();

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
    this.arrived = new Promise((resolve) => (this.arrive = resolve));
  }

  release(): void {
    this.gate = null;
    this.open();
  }

  wrap(db: Db): Db {
    const wrapped: Db = {
      kind: db.kind,
      // Procedures run in place, through the gated transaction below, as every write did before them.
      transact: (procedure, args) => wrapped.transaction((tx) => procedure.run(tx, args)),
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      ping: () => db.ping(),
      close: () => db.close(),
      transaction: async (fn) => {
        const result = await db.transaction(fn);
        const gate = this.gate;
        if (gate !== null) {
          this.arrive();
          await gate;
        }
        return result;
      },
    };
    return wrapped;
  }
}

export interface Harness {
  kind: StoreKind;
  /** The gateway's view of the store passes through this gate (open unless a test holds it). */
  snapshots: SnapshotGate;
  app: TestApp;
  config: Config;
  gateway: RealtimeGateway;
  desk: OutboxDesk;
  /** The REST base URL. */
  url: string;
  /** `ws://127.0.0.1:PORT`, no path. */
  origin: string;
  /** The first Realtime API path, no token. */
  wsUrl: string;
  /** What the gateway logged. */
  logs: LogEntry[];
  token(userId: string, ttlSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(kind: StoreKind = 'pglite', env: Record<string, string> = {}): Promise<Harness> {
  // The harness attaches its own gateway, with a recording logger and the snapshot gate.
  const app = await startTestApp(kind, env, { realtime: false });
  const logs: LogEntry[] = [];
  const log = (level: keyof Logger) => (fields: Record<string, unknown>, message: string) => void logs.push({ level, fields, message });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const snapshots = new SnapshotGate();
  const db = snapshots.wrap(app.db);
  const gateway = attachRealtimeGateway(app.server, {
    config: app.config,
    db,
    bus: app.bus,
    tokens: app.tokens,
    logger,
    limits: app.limits,
    onMetricsComputed: (projectId, read) => app.services.alerts.evaluate(projectId, read),
  });
  const origin = app.url.replace(/^http/, 'ws');
  return {
    kind,
    snapshots,
    app,
    config: app.config,
    gateway,
    desk: new OutboxDesk(app.db, app.bus),
    url: app.url,
    origin,
    wsUrl: `${origin}${app.config.wsPaths[0]}`,
    logs,
    async token(userId, ttlSeconds) {
      const user = (await findUserById(app.db, userId))!;
      return (await app.tokens.issue({ id: user.id, email: user.email, firstname: user.firstname, lastname: user.lastname }, ttlSeconds)).token;
    },
    async close() {
      await gateway.close();
      await app.closeAll();
    },
  };
}
