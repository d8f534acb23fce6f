import type { FastifyInstance } from 'fastify';
import { errors } from '../domain/errors.js';
import type { Dependencies } from '../observability/dependencies.js';
import { isStoreUnavailable } from '../store/store-errors.js';

/** How `/readyz` weighs the dependencies: the store always; Redis only when the operator says so. */
export interface ReadinessPolicy {
  dependencies: Dependencies;
  /** READY_REQUIRES_REDIS: without Redis the node is not ready (else: ready, degraded). */
  requireRedis: boolean;
}

/** `isDraining`: once a node is told to stop, it reports not-ready so the load balancer sends it nothing new. */
export function healthRoutes(app: FastifyInstance, readiness: ReadinessPolicy, isDraining: () => boolean = () => false): void {
  /** The process is up and serving HTTP. */
  app.get('/healthz', async () => ({ status: 'ok' }));
  /**
   * A load balancer sends traffic here only on 200: the store answers and the node is not draining. Redis down is
   * `degraded` (still 200: the node serves everything on per-node limits) unless READY_REQUIRES_REDIS.
   */
  app.get('/readyz', async (_request, reply) => {
    if (isDraining()) return reply.code(503).header('retry-after', '1').send({ error: 'DRAINING', message: 'This node is shutting down.' });
    const { report, storeError } = await readiness.dependencies.check();
    if (storeError !== null && !isStoreUnavailable(storeError)) reply.log.error({ err: storeError }, 'readiness check failed');
    if (report.store.state === 'down') {
      return reply.code(503).send({ error: 'STORE_UNAVAILABLE', message: 'The store is unreachable.', status: 'not_ready', ...report });
    }
    if (report.redis.state === 'down' && readiness.requireRedis) {
      return reply.code(503).header('retry-after', '1').send({ error: 'REDIS_UNAVAILABLE', message: errors.REDIS_UNAVAILABLE.message, status: 'not_ready', ...report });
    }
    return { status: report.degraded.length > 0 ? 'degraded' : 'ready', ...report };
  });
}
