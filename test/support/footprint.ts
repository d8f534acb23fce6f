import type { Queryable } from '../../src/store/db.js';

/**
 * Every row a project holds, table by table (count and a hash of the rows as text). Equal before and after a
 * refused call means the call wrote nothing at all: no row, no timestamp, no event, no seq. Reads write nothing
 * either, so the footprint is stable across any number of GETs.
 */
export async function projectFootprint(db: Queryable, projectId: string): Promise<Record<string, string>> {
  const tables: Record<string, string> = {
    projects: 'SELECT t::text AS row FROM projects t WHERE t.id = $1',
    project_users: 'SELECT t::text AS row FROM project_users t WHERE t.project_id = $1',
    users: 'SELECT u::text AS row FROM users u JOIN project_users pu ON pu.user_id = u.id WHERE pu.project_id = $1',
    departments: 'SELECT t::text AS row FROM departments t WHERE t.project_id = $1',
    department_members:
      'SELECT t::text AS row FROM department_members t JOIN departments d ON d.id = t.department_id WHERE d.project_id = $1',
    leads: 'SELECT t::text AS row FROM leads t WHERE t.project_id = $1',
    requests: 'SELECT t::text AS row FROM requests t WHERE t.project_id = $1',
    messages: 'SELECT t::text AS row FROM messages t WHERE t.project_id = $1',
    events: 'SELECT t::text AS row FROM events t WHERE t.project_id = $1',
  };
  const footprint: Record<string, string> = {};
  for (const [table, rows] of Object.entries(tables)) {
    const [r] = await db.query<{ n: number; digest: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(row, E'\\n' ORDER BY row)) AS digest FROM (${rows}) x`,
      [projectId],
    );
    footprint[table] = `${r!.n} rows, ${r!.digest ?? 'empty'}`;
  }
  return footprint;
}
