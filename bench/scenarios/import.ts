/**
 * History import (issue 15): one `POST /:pid/history/import` of N generated rows (28 days of a weekly pattern, two
 * departments, most answered and closed, some rated) against a server on the embedded store (PGlite on disk),
 * timed end to end over HTTP. Baselines measured in the same run, on the same rows and store: parsing and
 * checking the CSV alone (no store), and a plain INSERT … SELECT of the same rows into a scratch table (what writing
 * the raw rows would cost, without aggregating them into intervals).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { parseHistoryImport } from '../../src/services/history-import.js';
import { PgliteDb } from '../../src/store/pglite-db.js';
import type { Plan } from '../lib/plan.js';
import type { Row, ScenarioResult } from './result.js';

const DAY = 86_400_000;

/** Deterministic rows: a daily curve with a weekend dip, spread over the last 28 days; departments by name. */
export function generateHistoryCsv(rows: number, now = Date.now()): string {
  const start = Math.floor(now / DAY) * DAY - 28 * DAY;
  let seed = 15;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const lines = ['created_at,first_response_at,closed_at,department,rating,channel'];
  for (let i = 0; i < rows; i++) {
    const created = start + Math.floor(random() * 28 * DAY);
    const answered = random() < 0.9;
    const first = answered ? created + Math.floor(random() * 120_000) : null;
    const closed = created + 60_000 + Math.floor(random() * 900_000);
    const rating = answered && random() < 0.3 ? 1 + Math.floor(random() * 5) : '';
    lines.push(
      `${new Date(created).toISOString()},${first === null ? '' : new Date(first).toISOString()},${new Date(Math.max(closed, first ?? 0)).toISOString()},${random() < 0.7 ? 'Support' : 'Sales'},${rating},chat`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function call(url: string, method: string, path: string, token: string | null, body: string, type = 'application/json') {
  const response = await fetch(url + path, { method, headers: { 'content-type': type, ...(token ? { authorization: /^JWT /.test(token) ? token : `JWT ${token}` } : {}) }, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

export async function importHistory(plan: Plan): Promise<ScenarioResult> {
  const n = plan.import.rows;
  // Made before the server starts: seconds of idle between two requests would let it close the kept-alive socket.
  const csv = generateHistoryCsv(n);
  const mb = Math.round((Buffer.byteLength(csv) / 1024 / 1024) * 10) / 10;
  // Baseline 1: parse and check the file alone.
  let t = performance.now();
  const parsed = parseHistoryImport(csv, (name) => (name === 'Support' || name === 'Sales' ? name : null), null, Date.now());
  const parseMs = performance.now() - t;
  if (parsed.problemCount > 0) throw new Error(`generated file refused: ${JSON.stringify(parsed.problems.slice(0, 3))}`);

  const dir = mkdtempSync(join(tmpdir(), 'deskwire-bench-import-'));
  const db = await PgliteDb.open(dir);
  const config = loadConfig(
    { NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, JWT_SECRET: randomBytes(24).toString('hex'), LOG_LEVEL: 'silent', DEMO_DATA: 'false', REST_WRITES_PER_MINUTE: '100000' },
    {},
  );
  const app = await startApp(config, { db, realtime: false });
  try {
    const email = `bench-${randomBytes(4).toString('hex')}@bench.deskwire`;
    await call(app.url, 'POST', '/auth/signup', null, JSON.stringify({ email, password: 'correct horse battery', firstname: 'Bench', lastname: 'Owner' }));
    const { token } = await call(app.url, 'POST', '/auth/signin', null, JSON.stringify({ email, password: 'correct horse battery' }));
    const project = await call(app.url, 'POST', '/projects', token, JSON.stringify({ name: 'Import bench' }));
    await call(app.url, 'POST', `/${project.id}/departments`, token, JSON.stringify({ name: 'Sales', routing: 'pooled', members: [] }));
    const defaultDepartment = (await (await fetch(`${app.url}/${project.id}/departments`, { headers: { authorization: /^JWT /.test(token) ? token : `JWT ${token}` } })).json())[0];
    await call(app.url, 'PUT', `/${project.id}/departments/${defaultDepartment.id}`, token, JSON.stringify({ name: 'Support' }));

    // The import, over HTTP, as a client sends it.
    t = performance.now();
    const summary = await call(app.url, 'POST', `/${project.id}/history/import`, token, csv, 'text/csv');
    const importMs = performance.now() - t;

    // Baseline 2: the same rows written as raw rows, in one INSERT … SELECT, in one transaction.
    const raw = JSON.stringify(parsed.rows.map((r) => ({ c: r.createdAt, f: r.firstResponseAt, x: r.closedAt, d: r.departmentId, r: r.rating })));
    await db.query('CREATE TABLE bench_raw_rows (created_at timestamptz, first_response_at timestamptz, closed_at timestamptz, department text, rating smallint)');
    t = performance.now();
    await db.transaction((tx) =>
      tx.query(
        `INSERT INTO bench_raw_rows SELECT to_timestamp(c / 1000.0), to_timestamp(f / 1000.0), to_timestamp(x / 1000.0), d, r
           FROM jsonb_to_recordset($1::jsonb) AS j(c float8, f float8, x float8, d text, r int)`,
        [raw],
      ),
    );
    const insertMs = performance.now() - t;

    const s = (ms: number) => Math.round(ms / 100) / 10;
    const rows: Row[] = [
      { system: 'deskwire', step: 'POST /history/import (HTTP, parse, check, aggregate, write)', rows: n, MB: mb, seconds: s(importMs), 'rows/s': Math.round(n / (importMs / 1000)), intervals: summary.intervals },
      { system: 'baseline', step: 'parse + check the CSV alone', rows: n, MB: mb, seconds: s(parseMs), 'rows/s': Math.round(n / (parseMs / 1000)), intervals: null },
      { system: 'baseline', step: 'INSERT … SELECT of the raw rows', rows: n, MB: mb, seconds: s(insertMs), 'rows/s': Math.round(n / (insertMs / 1000)), intervals: null },
    ];
    const problems = summary.imported === n ? [] : [`imported ${summary.imported} of ${n} rows`];
    return { scenario: 'import', rows, problems };
  } finally {
    await app.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
