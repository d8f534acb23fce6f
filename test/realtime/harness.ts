/**
 * A real server for the realtime tests: PGlite in memory, migrations, the in-process bus, real tokens, an HTTP
 * server on an ephemeral port and the gateway on its upgrade event. (To be switched to `createApp` once the
 * composition root exists.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.js';
import { MemoryBus } from '../../src/events/memory-bus.js';
import { attachRealtimeGateway, type RealtimeGateway } from '../../src/realtime/gateway.js';
import type { Logger } from '../../src/realtime/logger.js';
import { TokenService } from '../../src/services/tokens.js';
import { migrate } from '../../src/store/migrate.js';
import { PgliteDb } from '../../src/store/pglite-db.js';
import { findUserById } from '../../src/store/users.js';
import { Desk } from './fixtures.js';

export interface LogEntry {
  level: keyof Logger;
  fields: Record<string, unknown>;
  message: string;
}

export interface Harness {
  config: Config;
  db: PgliteDb;
  bus: MemoryBus;
  tokens: TokenService;
  server: Server;
  gateway: RealtimeGateway;
  desk: Desk;
  /** `ws://127.0.0.1:PORT` with no path. */
  origin: string;
  /** The default Realtime API URL without a token. */
  wsUrl: string;
  logs: LogEntry[];
  token(userId: string, ttlSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: ':memory:', JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'silent', ...env }, {});
  const db = await PgliteDb.open(null);
  await migrate(db);
  const bus = new MemoryBus();
  const tokens = await TokenService.fromConfig(config);
  const logs: LogEntry[] = [];
  const log = (level: keyof Logger) => (fields: Record<string, unknown>, message: string) => void logs.push({ level, fields, message });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const server = createServer((_req, res) => res.writeHead(404).end());
  const gateway = attachRealtimeGateway(server, { config, db, bus, tokens, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    config,
    db,
    bus,
    tokens,
    server,
    gateway,
    desk: new Desk(db, bus),
    origin,
    wsUrl: `${origin}${config.wsPaths[0]}`,
    logs,
    async token(userId, ttlSeconds) {
      const user = (await findUserById(db, userId))!;
      return (await tokens.issue({ id: user.id, email: user.email, firstname: user.firstname, lastname: user.lastname }, ttlSeconds)).token;
    },
    async close() {
      await gateway.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.close();
      await db.close();
    },
  };
}
