import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config.js';
import { DeskwireError } from '../domain/errors.js';
import type { Bus } from '../events/bus.js';
import { CloseCode } from '../protocol/close-codes.js';
import type { TokenService } from '../services/tokens.js';
import type { Db } from '../store/db.js';
import { BatchReader } from '../store/batch-reader.js';
import { findConnectingUsers } from '../store/users.js';
import type { LimitStore } from '../limits/limit-store.js';
import { clientIp, transportAllowed } from '../net/forwarded.js';
import { ConnectionAdmission } from './admission.js';
import { isWebSocketUpgrade, pathOf, refuse, tokenOf, understandsDelete } from './handshake.js';
import { isRedisUnavailable } from '../redis/redis-errors.js';
import { Hub } from './hub.js';
import type { Logger } from './logger.js';
import { MetricsPublisher } from './metrics-publisher.js';
import type { MetricsRead } from '../metrics/project-metrics.js';
import type { PresenceTracker } from './presence.js';
import { noObserver, type RealtimeObserver } from './observer.js';
import type { Budgets } from '../limits/budgets.js';
import { UserRevocation } from './revocation.js';
import { Session } from './session.js';

export interface RealtimeGatewayDeps {
  config: Config;
  db: Db;
  bus: Bus;
  tokens: TokenService;
  logger: Logger;
  /** Connection-rate and connection-count counters (PROTOCOL §6). */
  limits: LimitStore;
  /** Turns connections into online/offline presence; absent, connections do not change presence. */
  presence?: PresenceTracker;
  /** The per-user request budget new connections share with REST calls, and per-project overrides. */
  budgets?: Budgets;
  /** Told what the gateway does, for monitoring. */
  observer?: RealtimeObserver;
  /**
   * Told of each metrics computation for a followed project: the composition root evaluates the alert rules here
   * (services' AlertsService), so the gateway itself needs no service but the token verifier.
   */
  onMetricsComputed?: (projectId: string, read: MetricsRead) => Promise<void>;
}

export interface RealtimeGatewayStats {
  connections: number;
  /** Subscriptions held, queued or loading on all connections. */
  subscriptions: number;
  /** Projects the hub follows (has at least one subscriber in). */
  projects: number;
  /** Subscriptions by topic kind (`requests`, `messages`, `project_user`, …); computed when asked. */
  subscriptionsByKind: Record<string, number>;
}

export interface RealtimeGateway {
  readonly connectionCount: number;
  stats(): RealtimeGatewayStats;
  /**
   * Refuses new connections, closes every open one with 1001 and waits until they are gone. With `spreadMs`, the
   * closes are spread evenly over that time so that clients do not all reconnect to the other nodes at once.
   */
  close(options?: { spreadMs?: number }): Promise<void>;
}

/** How long `close()` lets clients answer the close handshake before cutting them. */
const CLOSE_WAIT_MS = 2000;
/** What a draining node tells clients to wait before reconnecting (to another node). */
const DRAIN_RETRY_AFTER_SECONDS = 1;

/**
 * The Realtime API on an HTTP(S) server's `upgrade` event (PROTOCOL §1). Checks run cheapest first — path,
 * token, user — and every refusal is a plain HTTP response with a JSON body. Only the path is ever logged.
 */
export function attachRealtimeGateway(server: HttpServer | HttpsServer, deps: RealtimeGatewayDeps): RealtimeGateway {
  const { config, db, tokens, logger } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.wsInboundFrameMaxBytes, clientTracking: false });
  const observer = deps.observer ?? noObserver;
  const hub = new Hub(deps.bus, db, logger, config.eventGapCheckIntervalMs, observer);
  const metricsPublisher = new MetricsPublisher(deps.bus, db, hub, logger, {
    pushIntervalMs: config.metricsPushIntervalMs,
    refreshIntervalMs: config.metricsRefreshIntervalMs,
    // Alerts are evaluated whenever this node recomputes a followed project's metrics (docs/metrics.md, "Alerts").
    onComputed: deps.onMetricsComputed,
  });
  const admission = new ConnectionAdmission(deps.limits, config, deps.budgets);
  // A handshake's store cost bounds the handshake rate: the handshakes of one event-loop turn share one read.
  const connectingUsers = new BatchReader((ids: string[]) => findConnectingUsers(db, ids));
  const revocation = new UserRevocation(deps.bus, db, logger);
  const sessions = new Set<Session>();
  const sockets = new Set<WebSocket>();
  let draining = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A client hanging up mid-handshake must not take the process down.
    socket.on('error', () => socket.destroy());
    void upgrade(req, socket, head);
  };

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = pathOf(req.url);
    const ip = clientIp(req, config.trustProxy);
    const fields = { path, ip };
    const refuseWith = (error: DeskwireError, headers: Record<string, string> = {}) => {
      logger.info({ ...fields, code: error.code }, 'realtime: handshake refused');
      observer.handshakeRefused(error.code);
      const retryAfter = error.details.retry_after_seconds;
      refuse(socket, error, typeof retryAfter === 'number' ? { 'Retry-After': String(retryAfter), ...headers } : headers);
    };
    if (draining) return refuseWith(new DeskwireError('DRAINING'), { 'Retry-After': String(DRAIN_RETRY_AFTER_SECONDS) });
    if (!config.wsPaths.includes(path) || !isWebSocketUpgrade(req)) return refuseWith(new DeskwireError('HANDSHAKE_INVALID'));
    if (!transportAllowed(req, config.trustProxy)) return refuseWith(new DeskwireError('TLS_REQUIRED'));
    let admitted: { release(): void } | null = null;
    try {
      await admission.checkIp(ip);
      const token = tokenOf(req);
      if (token === null) throw new DeskwireError('TOKEN_MISSING');
      const claims = await tokens.verify(token);
      const user = await connectingUsers.read(claims.userId);
      if (user === undefined || !user.active) throw new DeskwireError('USER_DISABLED');
      const slots = await admission.admit(claims.userId, user.memberProjectIds, user.limits);
      admitted = slots;
      // The TCP socket outlives every path from here (refused, failed upgrade, open then closed): release on its close.
      socket.once('close', () => slots.release());
      if (socket.destroyed) return slots.release();
      if (draining) throw new DeskwireError('DRAINING');
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (draining) return ws.close(CloseCode.GOING_AWAY, 'server shutting down');
        sockets.add(ws);
        deps.presence?.connected(claims.userId);
        ws.once('close', () => {
          sockets.delete(ws);
          deps.presence?.disconnected(claims.userId);
        });
        const session = new Session(ws, socket, claims.userId, claims.expiresAt, understandsDelete(req), { config, db, hub, tokens, logger, observer }, (s) => {
          sessions.delete(s);
          revocation.untrack(s);
        });
        sessions.add(session);
        revocation.track(session);
        logger.debug({ ...fields, connectionId: session.id, userId: claims.userId }, 'realtime: connection opened');
      });
    } catch (error) {
      admitted?.release();
      if (error instanceof DeskwireError) {
        refuseWith(error, error.code === 'DRAINING' ? { 'Retry-After': String(DRAIN_RETRY_AFTER_SECONDS) } : undefined);
      } else if (isRedisUnavailable(error)) {
        refuseWith(new DeskwireError('REDIS_UNAVAILABLE', undefined, { retry_after_seconds: 1 }));
      } else {
        logger.error({ ...fields, err: error instanceof Error ? error.stack : String(error) }, 'realtime: handshake failed');
        observer.handshakeRefused('INTERNAL');
        refuse(socket, new DeskwireError('INTERNAL'));
      }
    }
  }

  server.on('upgrade', onUpgrade);
  const heartbeat = setInterval(() => {
    for (const session of sessions) session.tick();
  }, config.wsHeartbeatIntervalMs);
  heartbeat.unref();

  return {
    get connectionCount() {
      return sessions.size;
    },
    stats() {
      let subscriptions = 0;
      const subscriptionsByKind: Record<string, number> = {};
      for (const session of sessions) {
        subscriptions += session.subscriptionCount;
        session.countSubscriptionKinds(subscriptionsByKind);
      }
      return { connections: sessions.size, subscriptions, subscriptionsByKind, projects: hub.projectCount };
    },
    async close({ spreadMs = 0 } = {}) {
      if (draining) return;
      draining = true;
      clearInterval(heartbeat);
      const gone = [...sockets].map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
      const open = [...sessions];
      const step = open.length > 1 ? spreadMs / (open.length - 1) : 0;
      const pacing = open.map((session, i) => setTimeout(() => session.closeWith(CloseCode.GOING_AWAY, 'server shutting down'), i * step));
      const timer = setTimeout(() => sockets.forEach((ws) => ws.terminate()), spreadMs + CLOSE_WAIT_MS);
      await Promise.all(gone);
      clearTimeout(timer);
      pacing.forEach(clearTimeout);
      server.off('upgrade', onUpgrade);
      metricsPublisher.close();
      hub.close();
      revocation.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
