import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RealtimeGatewayStats } from '../realtime/gateway.js';
import type { RealtimeObserver } from '../realtime/observer.js';
import type { Dependencies } from './dependencies.js';

/** What a node exposes on `/metrics`. One registry per app, so several apps can live in one test process. */
export interface NodeMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** Error answers by catalogue code (STORE_UNAVAILABLE counts store errors). */
  httpErrors: Counter<'code'>;
  busEvents: Counter<'kind'>;
  /** Feeds the Realtime counters; handed to the gateway. */
  realtime: RealtimeObserver;
}

export interface RealtimeStatsSource {
  stats(): RealtimeGatewayStats;
}

/** Seconds buckets for latencies from sub-millisecond to a few seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createNodeMetrics(realtime: () => RealtimeStatsSource | null, dependencies: Dependencies | null = null): NodeMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'deskwire_' });
  if (dependencies) {
    new Gauge({
      name: 'deskwire_dependency_up',
      help: '1 while a dependency is usable, 0 while not: store (asked at scrape), redis (the link, only with REDIS_URL).',
      labelNames: ['dependency'],
      registers,
      async collect() {
        const { report } = await dependencies.check();
        this.set({ dependency: 'store' }, report.store.state === 'up' ? 1 : 0);
        if (report.redis.state !== 'unused') this.set({ dependency: 'redis' }, report.redis.state === 'up' ? 1 : 0);
      },
    });
  }
  const gauge = (name: string, help: string, read: (s: RealtimeGatewayStats) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const source = realtime();
        this.set(source ? read(source.stats()) : 0);
      },
    });
  gauge('deskwire_ws_connections', 'Open Realtime API connections on this node.', (s) => s.connections);
  gauge('deskwire_ws_subscriptions', 'Subscriptions held, queued or loading on this node.', (s) => s.subscriptions);
  gauge('deskwire_ws_projects_followed', 'Projects with at least one subscriber on this node.', (s) => s.projects);
  new Gauge({
    name: 'deskwire_ws_subscriptions_by_kind',
    help: 'Subscriptions on this node by topic kind.',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset();
      const byKind = realtime()?.stats().subscriptionsByKind ?? {};
      for (const [kind, n] of Object.entries(byKind)) this.set({ kind }, n);
    },
  });

  const refusals = new Counter({ name: 'deskwire_ws_handshake_refusals_total', help: 'Refused Realtime handshakes by code.', labelNames: ['code'], registers });
  const closes = new Counter({ name: 'deskwire_ws_closes_total', help: 'Closed Realtime connections by close code (4008: slow consumer).', labelNames: ['code'], registers });
  const framesIn = new Counter({ name: 'deskwire_ws_frames_in_total', help: 'Frames received from clients.', registers });
  const bytesIn = new Counter({ name: 'deskwire_ws_bytes_in_total', help: 'Bytes of frames received from clients.', registers });
  // Counted per frame sent, so per subscriber per event: plain numbers on the hot path, read by the counters at scrape.
  const out = { frames: 0, bytes: 0 };
  new Counter({
    name: 'deskwire_ws_frames_out_total',
    help: 'Frames queued to clients.',
    registers,
    collect() {
      this.reset();
      this.inc(out.frames);
    },
  });
  new Counter({
    name: 'deskwire_ws_bytes_out_total',
    help: 'Bytes of frames queued to clients.',
    registers,
    collect() {
      this.reset();
      this.inc(out.bytes);
    },
  });
  const deliveries = new Counter({ name: 'deskwire_ws_deliveries_total', help: 'Event frames sent to subscribers.', registers });
  const dispatchLag = new Histogram({
    name: 'deskwire_event_commit_to_send_seconds',
    help: 'From an event’s commit to its frames being queued to its subscribers on this node.',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const busLag = new Histogram({ name: 'deskwire_bus_lag_seconds', help: 'From an event’s commit to its arrival from the bus.', buckets: LATENCY_BUCKETS, registers });
  const gapFills = new Counter({ name: 'deskwire_gap_fill_events_total', help: 'Events read from the outbox to fill gaps in a project’s stream.', registers });

  return {
    registry,
    httpRequests: new Counter({
      name: 'deskwire_http_requests_total',
      help: 'REST requests answered, by route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'deskwire_http_request_duration_seconds',
      help: 'REST request duration, by route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    httpErrors: new Counter({ name: 'deskwire_http_errors_total', help: 'REST error answers by code (STORE_UNAVAILABLE: store errors).', labelNames: ['code'], registers }),
    busEvents: new Counter({ name: 'deskwire_bus_events_total', help: 'Committed events this node received from the bus, by kind.', labelNames: ['kind'], registers }),
    realtime: {
      handshakeRefused: (code) => refusals.inc({ code }),
      connectionClosed: (code) => closes.inc({ code: String(code) }),
      frameIn: (bytes) => {
        framesIn.inc();
        bytesIn.inc(bytes);
      },
      frameOut: (bytes) => {
        out.frames++;
        out.bytes += bytes;
      },
      eventDispatched: (lagMs, n) => {
        dispatchLag.observe(lagMs / 1000);
        if (n > 0) deliveries.inc(n);
      },
      busReceived: (lagMs) => busLag.observe(lagMs / 1000),
      gapFilled: (n) => gapFills.inc(n),
    },
  };
}
