/**
 * Procedures for test/store/procedure.test.ts. A procedure is found by its module and export name, so these live at
 * a module's top level, as the services' do.
 */
import { threadId } from 'node:worker_threads';
import { DeskwireError } from '../../src/domain/errors.js';
import { defineProcedure } from '../../src/store/procedure.js';

export const TABLE = 'procedure_probe';

/**
 * Adds to the counter as a read then a write (lost updates show if two runs interleave; FOR UPDATE is what keeps
 * them apart on PostgreSQL, the store's one session on PGlite), and says on which thread it ran.
 */
export const increment = defineProcedure(import.meta.url, 'increment', async (tx, args: { by: number }) => {
  const [row] = await tx.query<{ n: number }>(`SELECT n FROM ${TABLE} WHERE id = 1 FOR UPDATE`);
  await tx.query(`UPDATE ${TABLE} SET n = $1 WHERE id = 1`, [row!.n + args.by]);
  return { before: row!.n, threadId };
});

/** Writes, then refuses with a catalogue error: the write must roll back and the refusal arrive whole. */
export const writeThenRefuse = defineProcedure(import.meta.url, 'writeThenRefuse', async (tx) => {
  await tx.query(`UPDATE ${TABLE} SET n = n + 1000 WHERE id = 1`);
  throw new DeskwireError('CONFLICT', 'refused on purpose', { field: 'n', limits: [1, 2] });
});

/** Writes, then breaks a constraint: the write rolls back and the SQLSTATE arrives. */
export const duplicateKey = defineProcedure(import.meta.url, 'duplicateKey', async (tx) => {
  await tx.query(`UPDATE ${TABLE} SET n = n + 1000 WHERE id = 1`);
  await tx.query(`INSERT INTO ${TABLE} (id, n) VALUES (1, 0)`);
});

/** Exported under another name than its own: the worker must refuse it rather than run something else. */
export const misnamed = defineProcedure(import.meta.url, 'notThisName', async () => 'ran');
