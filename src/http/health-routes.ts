import type { FastifyInstance } from 'fastify';
import type { Db } from '../store/db.js';
import { isStoreUnavailable } from '../store/store-errors.js';

export function healthRoutes(app: FastifyInstance, db: Db): void {
  /** The process is up and serving HTTP. */
  app.get('/healthz', async () => ({ status: 'ok' }));
  /** The store answers: a load balancer sends traffic here only then. */
  app.get('/readyz', async (_request, reply) => {
    try {
      await db.query('SELECT 1');
      return { status: 'ready', store: db.kind };
    } catch (error) {
      if (!isStoreUnavailable(error)) reply.log.error({ err: error }, 'readiness check failed');
      return reply.code(503).send({ error: 'STORE_UNAVAILABLE', message: 'The store is unreachable.', store: db.kind });
    }
  });
}
