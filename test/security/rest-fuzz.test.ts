/**
 * Fuzzing the REST API: thousands of seeded random and mutated bodies and query strings on every route, as anyone
 * (owner, agent, visitor, nobody, a forged token). Nesting beyond the limit, bodies beyond the size, NUL, unpaired
 * surrogates and other nasty characters in keys and values, numbers at and beyond every bound, wrong types, broken
 * JSON. No answer may be a 5xx; every refusal carries a catalogue code with its catalogue status; the server's memory
 * comes back near where it started. A failure names the seed and the case: `FUZZ_SEED=<seed>` replays the run.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { errors, isErrorCode } from '../../src/domain/errors.js';
import { newRequestId, type Desk } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { fuzz, fuzzSeed, NASTY_NUMBER_TEXTS, type Fuzz } from '../support/fuzz.js';
import { heapAfterGc } from '../support/heap.js';
import { storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

const SEED = fuzzSeed(20261207);
/** PGlite always; PostgreSQL (in CI) gets a shorter run of the same generator. */
const CASES = { pglite: 4000, postgres: 1000 } as const;
const PARALLEL = 8;

interface Case {
  method: string;
  path: string;
  body?: string;
  token?: string;
}

interface Route {
  method: string;
  path: () => string;
  /** A valid body to mutate, or none. */
  body?: () => Record<string, unknown>;
  /** Query parameters the route reads, to fill with nasty values. */
  query?: string[];
  /** Relative weight. */
  weight: number;
}

/** Percent-encodes like a client would; a lone surrogate (which UTF-8 cannot carry) goes as its replacement. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

function routesOf(desk: Desk, rid: string, mid: string, spareProject: string): Route[] {
  const p = desk.projectId;
  return [
    { method: 'POST', path: () => '/auth/signin', body: () => ({ email: desk.agentA.email, password: 'wrong password' }), weight: 2 },
    { method: 'POST', path: () => '/auth/signup', body: () => ({ email: 'x@test.deskwire', password: 'short' }), weight: 1 },
    { method: 'POST', path: () => '/auth/signinAnonymously', body: () => ({ id_project: p, firstname: 'Fuzzy' }), weight: 2 },
    { method: 'POST', path: () => `/${p}/requests/${rid}/messages`, body: () => ({ text: 'hi', attributes: { a: 1 } }), weight: 14 },
    { method: 'POST', path: () => `/${p}/requests/${newRequestId(p)}/messages`, body: () => ({ text: 'new', departmentid: desk.supportId, attributes: {} }), weight: 8 },
    { method: 'PATCH', path: () => `/${p}/requests/${rid}/messages/${mid}`, body: () => ({ status: 300 }), weight: 4 },
    { method: 'GET', path: () => `/${p}/requests/${rid}/messages`, query: ['page', 'limit'], weight: 6 },
    { method: 'GET', path: () => `/${p}/requests`, query: ['page', 'limit', 'status'], weight: 10 },
    { method: 'GET', path: () => `/${p}/requests/${rid}`, query: ['x'], weight: 2 },
    { method: 'PATCH', path: () => `/${p}/requests/${rid}`, body: () => ({ subject: 'fuzz', priority: 'high', tags: ['a'] }), weight: 8 },
    { method: 'PUT', path: () => `/${p}/requests/${rid}/close`, body: () => ({}), weight: 2 },
    { method: 'PUT', path: () => `/${p}/requests/${rid}/reopen`, body: () => ({}), weight: 2 },
    { method: 'POST', path: () => `/${p}/requests/${rid}/participants`, body: () => ({ member: desk.agentA.userId }), weight: 3 },
    { method: 'GET', path: () => `/${p}/project_users`, query: ['role'], weight: 3 },
    { method: 'PUT', path: () => `/${p}/project_users`, body: () => ({ user_available: true, profileStatus: 'available' }), weight: 4 },
    { method: 'PUT', path: () => `/${p}/project_users/${desk.agentB.projectUserId}`, body: () => ({ max_assigned_chat: 3, user_available: true }), weight: 4 },
    { method: 'POST', path: () => `/${p}/project_users/invite`, body: () => ({ email: desk.agentD.email, role: 'agent' }), weight: 2 },
    { method: 'POST', path: () => `/${p}/departments`, body: () => ({ name: 'Fuzz', routing: 'pooled', members: [] }), weight: 2 },
    { method: 'PUT', path: () => `/${p}/departments/${desk.salesId}`, body: () => ({ name: 'Sales', members: [desk.agentC.userId] }), weight: 3 },
    { method: 'POST', path: () => '/projects', body: () => ({ name: 'Fuzz project' }), weight: 1 },
    { method: 'PUT', path: () => `/projects/${p}`, body: () => ({ settings: { service_level_seconds: 60, max_agent_assigned_chat: 5 } }), weight: 4 },
    // Overrides go to a project of their own: a small one set by chance would throttle the rest of the run.
    { method: 'PUT', path: () => `/projects/${spareProject}/limits`, body: () => ({ rest_reads_per_minute: null }), weight: 3 },
    { method: 'GET', path: () => `/${p}/metrics/staffing`, query: ['target', 'within', 'arrivals_per_hour', 'aht_seconds', 'concurrency', 'max_asa'], weight: 4 },
  ];
}

/** One random request: a route's valid body or query, mutated in one or more of the ways that have broken servers. */
function generator(f: Fuzz, routes: Route[], tokens: (string | undefined)[]) {
  const weighted = routes.flatMap((r) => Array.from({ length: r.weight }, () => r));
  const mutateValue = (): unknown => {
    switch (f.int(5)) {
      case 0: return f.text(30);
      case 1: return f.number();
      case 2: return f.value(3);
      case 3: return f.nest(20 + f.int(20), f.text(4)); // around the 32-level limit, both sides
      default: return f.pick([null, true, [], {}, '', ' ', '\u0000', 'x\ud800', '\udc00', 'a'.repeat(9000)]);
    }
  };
  const mutateText = (s: string): string => {
    const out = s.split('');
    for (let i = 0, n = 1 + f.int(3); i < n; i++) {
      const at = f.int(out.length + 1);
      if (f.chance(0.5)) out.splice(at, 1);
      else out.splice(at, 0, f.pick(['{', '}', '[', '"', ',', ':', '\\', '\\u0000', '\\ud800', '1e999', '-']));
    }
    return out.join('');
  };
  return (): Case => {
    const route = f.pick(weighted);
    const token = f.pick(tokens);
    let path = route.path();
    if (route.query && f.chance(0.8)) {
      const params = route.query.filter(() => f.chance(0.6));
      if (f.chance(0.2)) params.push(f.text(4));
      const value = () => (f.chance(0.6) ? f.pick(NASTY_NUMBER_TEXTS) : f.text(12));
      path += '?' + params.map((k) => `${encode(k)}=${encode(value())}${f.chance(0.1) ? `&${encode(k)}=${encode(value())}` : ''}`).join('&');
    }
    if (!route.body) return { method: route.method, path, token };
    const body: Record<string, unknown> = route.body();
    const keys = Object.keys(body);
    for (let i = f.int(3); i >= 0 && f.chance(0.85); i--) {
      const key = f.chance(0.8) && keys.length > 0 ? f.pick(keys) : f.pick(['extra', '__proto__x', 'constructor', f.text(8)]);
      body[key] = mutateValue();
    }
    let text = JSON.stringify(body);
    switch (f.int(20)) {
      case 0: text = mutateText(text); break; // broken JSON
      case 1: text = '{"text":"x","attributes":' + '{"a":'.repeat(f.int(6000)) + '1' + '}'.repeat(f.int(6000)) + '}'; break; // deep, balanced or not
      case 2: text = '['.repeat(30 + f.int(10)) + ']'.repeat(30 + f.int(10)); break;
      case 3: if (f.chance(0.2)) text = JSON.stringify({ ...body, pad: 'p'.repeat(65_536) }); break; // over the size limit
      default:
    }
    return { method: route.method, path, body: text, token };
  };
}

async function send(url: string, c: Case): Promise<{ status: number; body: unknown; text: string }> {
  const headers: Record<string, string> = {};
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  if (c.token) headers.authorization = c.token;
  const response = await fetch(url + c.path, { method: c.method, headers, body: c.body });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // judged below: every answer of the API is JSON
  }
  return { status: response.status, body, text };
}

/** Why an answer breaks the contract, or null. */
function violation(answer: { status: number; body: unknown; text: string }): string | null {
  if (answer.status >= 500) return `HTTP ${answer.status}`;
  if (answer.body === null && answer.text !== 'null') return `not JSON: ${answer.text.slice(0, 80)}`;
  if (answer.status < 400) return null;
  const code = (answer.body as { error?: unknown }).error;
  if (typeof code !== 'string' || !isErrorCode(code)) return `no catalogue code: ${answer.text.slice(0, 120)}`;
  if (errors[code].http !== answer.status) return `${code} with HTTP ${answer.status}, catalogue says ${errors[code].http}`;
  return null;
}

for (const kind of storeKinds()) {
  describe(`REST fuzz (${kind})`, () => {
    const suite = useDesk(kind);
    let rid: string;
    let mid: string;
    let spareProject: string;
    before(async () => {
      const visitor = await suite.desk.visitor('fuzz');
      rid = newRequestId(suite.desk.projectId);
      mid = expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'hello' }), 201)._id;
      spareProject = expectStatus(await suite.desk.owner.rest.post('/projects', { name: 'Limits' }), 201).id;
    });

    test(`${CASES[kind]} random and mutated requests: no 5xx, catalogue codes only, memory back near where it started`, { timeout: 180_000 }, async () => {
      const visitor = await suite.desk.visitor('fuzzer');
      const f = fuzz(SEED);
      const tokens = [suite.desk.owner.token, suite.desk.owner.token, suite.desk.owner.token, suite.desk.agentA.token, visitor.token, undefined, 'JWT not.a.token'];
      const next = generator(f, routesOf(suite.desk, rid, mid, spareProject), tokens);
      const failures: string[] = [];
      const statuses = new Map<string, number>();
      const run = async (from: number, to: number) => {
        for (let i = from; i < to; i += PARALLEL) {
          const batch = Array.from({ length: Math.min(PARALLEL, to - i) }, () => next());
          const answers = await Promise.all(batch.map((c) => send(suite.app.url, c)));
          answers.forEach((answer, j) => {
            const key = answer.status < 400 ? String(answer.status) : String((answer.body as { error?: unknown } | null)?.error ?? answer.status);
            statuses.set(key, (statuses.get(key) ?? 0) + 1);
            const bad = violation(answer);
            const c = batch[j]!;
            if (bad && failures.length < 20) failures.push(`case ${i + j}: ${c.method} ${c.path.slice(0, 120)} ${String(c.body).slice(0, 160)} → ${bad}`);
          });
        }
      };
      // Warm up first (statement caches, JIT), so the memory comparison measures the fuzz rather than start-up.
      const warmUp = 200;
      await run(0, warmUp);
      const baseline = heapAfterGc();
      await run(warmUp, CASES[kind]);
      const done = heapAfterGc();
      assert.deepEqual(failures, [], `seed ${SEED} (FUZZ_SEED=${SEED} replays it)`);
      // The fuzz reached the validation, the limits and the store, not only the parser.
      for (const expected of ['200', '201', 'BODY_INVALID', 'BODY_TOO_DEEP', 'BODY_TOO_LARGE', 'TOKEN_INVALID', 'TOKEN_MISSING', 'NOT_FOUND']) {
        assert.ok(statuses.has(expected), `no ${expected} among ${[...statuses].map(([k, n]) => `${k}×${n}`).join(', ')}`);
      }
      const grew = done.heapUsed - baseline.heapUsed;
      assert.ok(grew < 32 * 1024 * 1024, `heap grew ${(grew / 1048576).toFixed(1)} MiB over ${CASES[kind] - warmUp} requests (bound 32 MiB)`);
      // Still serving, and the project still lists.
      expectStatus(await suite.desk.owner.rest.get(`/${suite.desk.projectId}/requests?status=all`), 200);
      console.log(`# REST fuzz (${kind}): seed ${SEED}, ${CASES[kind]} requests, heap ${(grew / 1048576).toFixed(1)} MiB, answers ${[...statuses].sort().map(([k, n]) => `${k}×${n}`).join(', ')}`);
    });
  });
}
