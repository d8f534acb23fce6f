import type { FastifyInstance } from 'fastify';
import type { Db } from '../store/db.js';
import { isStoreUnavailable } from '../store/store-errors.js';

/** `isDraining`: once a node is told to stop, it reports not-ready so the load balancer sends it nothing new. */
export function healthRoutes(app: FastifyInstance, db: Db, isDraining: () => boolean = () => false): void {
  /** The process is up and serving HTTP. */
  app.get('/healthz', async () => ({ status: 'ok' }));
  /** The store answers and the node is not draining: a load balancer sends traffic here only then. */
  app.get('/readyz', async (_request, reply) => {
    if (isDraining()) return reply.code(503).header('retry-after', '1').send({ error: 'DRAINING', message: 'This node is shutting down.' });
    try {
      await db.query('SELECT 1');
      return { status: 'ready', store: db.kind };
    } catch (error) {
      if (!isStoreUnavailable(error)) reply.log.error({ err: error }, 'readiness check failed');
      return reply.code(503).send({ error: 'STORE_UNAVAILABLE', message: 'The store is unreachable.', store: db.kind });
    }
  });
}
