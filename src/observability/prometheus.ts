import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a node exposes on `/metrics`. One registry per app, so several apps can live in one test process. */
export interface NodeMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  busEvents: Counter<'kind'>;
}

export interface RealtimeStatsSource {
  stats(): { connections: number; subscriptions: number; projects: number };
}

export function createNodeMetrics(realtime: () => RealtimeStatsSource | null): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'deskwire_' });
  const gauge = (name: string, help: string, read: (s: ReturnType<RealtimeStatsSource['stats']>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const source = realtime();
        this.set(source ? read(source.stats()) : 0);
      },
    });
  gauge('deskwire_ws_connections', 'Open Realtime API connections on this node.', (s) => s.connections);
  gauge('deskwire_ws_subscriptions', 'Subscriptions held, queued or loading on this node.', (s) => s.subscriptions);
  gauge('deskwire_ws_projects_followed', 'Projects with at least one subscriber on this node.', (s) => s.projects);
  return {
    registry,
    httpRequests: new Counter({
      name: 'deskwire_http_requests_total',
      help: 'REST requests answered, by route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'deskwire_http_request_duration_seconds',
      help: 'REST request duration, by route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    busEvents: new Counter({
      name: 'deskwire_bus_events_total',
      help: 'Committed events this node received from the bus, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
