/**
 * The composition root: the only place that picks concrete implementations (PGlite or PostgreSQL, memory or Redis
 * bus) and wires store, services, REST and the Realtime gateway onto one HTTP server.
 */
import { createServer, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import type { Bus } from './events/bus.js';
import { MemoryBus } from './events/memory-bus.js';
import type { LimitStore } from './limits/limit-store.js';
import { MemoryLimitStore } from './limits/memory-limit-store.js';
import { RedisLimitStore } from './limits/redis-limit-store.js';
import { FailoverLimitStore } from './limits/failover-limit-store.js';
import { Budgets } from './limits/budgets.js';
import { createTlsServer, type TlsServer } from './net/tls-server.js';
import { RedisBus } from './events/redis-bus.js';
import { buildHttpApp } from './http/http-app.js';
import { Dependencies } from './observability/dependencies.js';
import { createNodeMetrics } from './observability/prometheus.js';
import { RedisLink, redisClientOptions } from './redis/redis-link.js';
import { attachRealtimeGateway, type RealtimeGateway } from './realtime/gateway.js';
import { PresenceTracker } from './realtime/presence.js';
import type { ServiceDeps } from './services/context.js';
import { seedDemoData, type DemoData } from './services/demo-data.js';
import { createServices, type Services } from './services/services.js';
import { TokenService } from './services/tokens.js';
import type { Db } from './store/db.js';
import { pruneEvents } from './store/events.js';
import { migrate } from './store/migrate.js';
import { describeExposure } from './store/data-dir-modes.js';
import { openPglite } from './store/open-pglite.js';
import type { PgliteOpenOptions } from './store/pglite-data-dir.js';
import { pauseAt } from './test-pause.js';
import { PostgresDb } from './store/pg-db.js';

export interface App {
  config: Config;
  logger: Logger;
  db: Db;
  bus: Bus;
  tokens: TokenService;
  services: Services;
  http: FastifyInstance;
  /** An https server when TLS_CERT_FILE/TLS_KEY_FILE are set (REST and wss on one port). */
  server: Server | HttpsServer;
  /** Native TLS: reload the certificate now (it also reloads on file change and SIGHUP); null without TLS. */
  tls: TlsServer | null;
  /** Connection and rate limit counters. */
  limits: LimitStore;
  /** The Redis link (null without REDIS_URL): what `/readyz` reports and every Redis-backed part follows. */
  redis: RedisLink | null;
  /** The Realtime API on the same server; null when started with `realtime: false`. */
  gateway: RealtimeGateway | null;
  /** Set when this start created the demo project. */
  demo: DemoData | null;
  /** http://host:port (https:// with TLS) once listening. */
  url: string;
  /** Stops the node; with `drainMs`, Realtime clients are sent away gradually over that time (graceful drain). */
  close(options?: { drainMs?: number }): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  /** A store the caller opened (tests use this to run on a private PostgreSQL schema). */
  db?: Db;
  /** Attach the Realtime gateway (default). Tests that attach their own instrumented gateway pass false. */
  realtime?: boolean;
}

/** Paths whose values must never reach a log line. */
export const redactPaths = ['req.headers.authorization', 'req.query.token', 'headers.authorization', 'token', '*.token', 'password', '*.password'];

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' } });
}

/**
 * The configured store. An embedded one is locked first (one process per DATA_DIR: a second one is refused with
 * `DataDirHeldError`, or waits with DATA_DIR_WAIT) and made owner-only, then runs on a worker thread of its own
 * (PGLITE_THREAD=worker, the default) or on this thread.
 */
export async function openStore(config: Config, options: Omit<PgliteOpenOptions, 'wait'> = {}): Promise<Db> {
  if (config.databaseUrl) return PostgresDb.connect(config.databaseUrl);
  return openPglite(config.dataDir, config.pgliteThread, { ...options, wait: config.dataDirWait });
}

/**
 * What nodes share: the in-process bus and limit counters by default; with REDIS_URL, the Redis bus (so every node's
 * hub gets every node's events) and Redis limit counters (so limits hold across nodes), both following one link
 * that says whether Redis is usable: while it is not, they fall back at once (per-node limits, own events only).
 */
async function openShared(config: Config, logger: Logger): Promise<{ bus: Bus; limits: LimitStore; redis: RedisLink | null; closeShared: () => Promise<void> }> {
  if (!config.redisUrl) {
    const bus = new MemoryBus();
    return { bus, limits: new MemoryLimitStore(), redis: null, closeShared: () => bus.close() };
  }
  const options = redisClientOptions(config.redisCommandTimeoutMs);
  // A subscribed Redis connection can do nothing else: one for commands and publishing, one for the subscription.
  const link = new RedisLink(new Redis(config.redisUrl, options), new Redis(config.redisUrl, options), logger);
  // Restorers run in this order when Redis (re)connects: the subscription, then this node's counts, last, so that
  // nothing runs between writing them and the link reporting up.
  const bus = new RedisBus(link, (error) => logger.error({ err: error }, 'unreadable event on the bus'));
  const shared = new RedisLimitStore(link.commands, config.nodeLivenessMs, (error) => link.failed(error));
  const limits = new FailoverLimitStore(shared, link, config.nodeLivenessMs);
  // Never waits for Redis beyond a first attempt: a node whose Redis is down starts degraded and joins it later.
  await link.start();
  return {
    bus,
    limits,
    redis: link,
    async closeShared() {
      await bus.close();
      await limits.close();
      await link.close();
    },
  };
}

/** How long a closing node waits for its connections' presence work. */
const PRESENCE_SETTLE_MS = 5000;

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config);
  const db =
    options.db ??
    (await openStore(config, {
      command: 'deskwire serve',
      onWait: (holder) => logger.warn({ dataDir: config.dataDir, pid: holder.pid }, `waiting for process ${holder.pid} (${holder.command}) to release DATA_DIR`),
      onExposed: (dir, report) => logger.warn({ dataDir: dir, exposed: report.exposed.length }, describeExposure(dir, report)),
    }));
  const pause = pauseAt(config);
  const applied = await migrate(db);
  if (applied.length > 0) logger.info({ applied, store: db.kind }, 'migrations applied');
  await pause('after-migrations');
  const { bus, limits, redis, closeShared } = await openShared(config, logger);
  const tokens = await TokenService.fromConfig(config);
  const deps: ServiceDeps = {
    db,
    bus,
    onPublishError: (error, events) => logger.error({ err: error, count: events.length }, 'events committed but not published; the outbox keeps them'),
  };
  const services = createServices(deps, tokens);
  /** Set when the node starts closing: readiness turns false at once. */
  let closed = false;
  // The gateway is attached after the HTTP app; the gauges read it when scraped.
  let gateway: RealtimeGateway | null = null;
  const dependencies = new Dependencies(db, redis);
  const metrics = createNodeMetrics(() => gateway, dependencies);
  bus.subscribe((event) => metrics.busEvents.inc({ kind: event.kind }));
  const tls = config.tlsCertFile && config.tlsKeyFile ? createTlsServer({ certFile: config.tlsCertFile, keyFile: config.tlsKeyFile }, logger) : null;
  const server: Server | HttpsServer = tls?.server ?? createServer();
  if (tls === null && !config.trustProxy) {
    logger.warn({ host: config.host }, 'serving plain http and ws:// on a loopback address (development only): set TLS_CERT_FILE/TLS_KEY_FILE or TRUST_PROXY=true for anything else');
  }
  // Overrides are read per request so an owner's change applies at once on every node (at a handshake, with the user).
  const budgets = new Budgets(limits, config, { of: (projectId) => services.projects.limitOverrides(projectId) });
  const http = buildHttpApp(
    {
      services,
      tokens,
      db,
      metrics,
      budgets,
      trustProxy: config.trustProxy,
      readiness: { dependencies, requireRedis: config.readyRequiresRedis },
      isDraining: () => closed,
    },
    {
      bodyLimit: config.httpBodyMaxBytes,
      bodyMaxDepth: config.httpBodyMaxDepth,
      logger,
      hsts: tls !== null,
      trustProxy: config.trustProxy,
      serverFactory: (handler) => {
        server.on('request', handler);
        return server as Server;
      },
    },
  );
  const presence = new PresenceTracker(services.projectUsers, limits, config.presenceGraceMs, (error, userId) =>
    logger.warn({ err: error, userId }, 'presence change not written'),
  );
  // Back from an outage longer than NODE_LIVENESS, other nodes may have turned this node's users offline.
  const stopReassert = redis?.onChange((state) => state === 'up' && presence.reassert());
  gateway = options.realtime === false ? null : attachRealtimeGateway(server, {
          config,
          db,
          bus,
          tokens,
          logger,
          limits,
          budgets,
          presence,
          observer: metrics.realtime,
          onMetricsComputed: (projectId, read) => services.alerts.evaluate(projectId, read),
        });
  const demo = config.demoData ? await seedDemoData(deps, pause) : null;
  await pause('after-seed');

  await http.listen({ port: config.port, host: config.host });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const pruneTimer = setInterval(() => {
    pruneEvents(db, new Date(Date.now() - config.eventRetentionMs)).then(
      (n) => n > 0 && logger.info({ pruned: n }, 'expired events pruned'),
      (error: unknown) => logger.warn({ err: error }, 'event pruning failed; will retry'),
    );
  }, config.eventPruneIntervalMs);
  pruneTimer.unref();

  return {
    config,
    logger,
    db,
    bus,
    tokens,
    services,
    http,
    server,
    tls,
    limits,
    redis,
    gateway,
    demo,
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    async close({ drainMs = 0 } = {}) {
      if (closed) return;
      // From here /readyz answers 503 and new upgrades get DRAINING, so the load balancer moves traffic away.
      closed = true;
      clearInterval(pruneTimer);
      tls?.stop();
      // Realtime clients first (1001: resume on another node), spread over the drain period; then HTTP, which
      // lets in-flight requests finish.
      await gateway?.close({ spreadMs: drainMs });
      // The closed connections' presence work (giving back shared counts, in Redis in a cluster) must land before
      // the shared clients close; bounded, so an unreachable store cannot hold the shutdown.
      await Promise.race([presence.settled(), new Promise((resolve) => setTimeout(resolve, PRESENCE_SETTLE_MS).unref())]);
      stopReassert?.();
      presence.close();
      await http.close();
      await closeShared();
      if (!options.db) await db.close();
    },
  };
}
