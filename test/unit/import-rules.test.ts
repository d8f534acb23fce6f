/**
 * DESIGN convention 12, read from the code itself: each src file's import specifiers are resolved to project paths
 * and checked against the layer rules below, and its text against the rules that are not imports (all SQL in
 * src/store, one REST client, only config.ts reads the environment). The rules are pure functions over
 * {path, source} so the tests at the bottom can prove each one fires on a planted violation: a rule that can never
 * fail would pass vacuously.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

interface SourceFile {
  /** Project-relative, forward slashes: `src/http/routes.ts`. */
  path: string;
  source: string;
}

interface Import {
  specifier: string;
  /** Project-relative `.ts` path for a relative specifier; null for packages and builtins. */
  target: string | null;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

function listSources(dir: string): SourceFile[] {
  let entries;
  try {
    entries = readdirSync(posix.join(root, dir), { withFileTypes: true });
  } catch {
    return []; // a layer that does not exist yet contributes no files
  }
  return entries.flatMap((entry) => {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) return listSources(path);
    return entry.name.endsWith('.ts') ? [{ path, source: readFileSync(posix.join(root, path), 'utf8') }] : [];
  });
}

/** Drops whole-line comments (`//`, and JSDoc or block lines), so an example import in a comment is not a rule break. */
function code(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' '))
    .split('\n')
    .map((line) => (line.trimStart().startsWith('//') ? '' : line))
    .join('\n');
}

function importsOf(file: SourceFile): Import[] {
  const text = code(file.source);
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g, // import … from '…', export … from '…'
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…')
    /^\s*import\s*['"]([^'"]+)['"]/gm, // import '…' for side effects
  ];
  const specifiers = new Set(patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1]!)));
  return [...specifiers].map((specifier) => ({
    specifier,
    target: specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file.path), specifier)).replace(/\.js$/, '.ts') : null,
  }));
}

const within = (path: string, ...prefixes: string[]) => prefixes.some((p) => (p.endsWith('.ts') ? path === p : path.startsWith(p)));
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);

// The embedded store's worker thread (pglite-worker*.ts) and `openPglite` are concrete too: they host a PgliteDb,
// which is the one place a concrete implementation may import another.
const CONCRETE = [
  'src/store/pglite-db.ts',
  'src/store/pglite-worker-db.ts',
  'src/store/pglite-worker.ts',
  'src/store/open-pglite.ts',
  'src/store/pg-db.ts',
  'src/events/memory-bus.ts',
  'src/events/redis-bus.ts',
];
const TRANSPORT_PACKAGES = ['ws', 'fastify'];
/** The one service the realtime gateway may import: the token verifier (handshake and in-band re-authentication). */
const TOKEN_VERIFIER = 'src/services/tokens.ts';
/** The one REST client (the SDK's): the dashboard, the CLI and the tests build on it. */
const REST_CLIENT = 'src/client/rest-client.ts';

const STRING_LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;
/**
 * A string that opens with a SQL statement. A condition alone (`OPEN_FOR_REALTIME_SQL` in src/domain/listing.ts,
 * which the store splices into its statements beside the TypeScript rule it mirrors) is not a statement.
 */
const SQL_STATEMENT =
  /^\s*(?:SELECT\b|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|WITH\s+\w+\s+AS\s*\(|SET\s+(?:TRANSACTION|LOCAL|SESSION)\b|(?:CREATE|ALTER|DROP|TRUNCATE)\s+(?:TABLE|INDEX|SCHEMA|EXTENSION)\b|(?:BEGIN|COMMIT|ROLLBACK)\b)/;

/** Why `file` holds SQL, or null: a statement in a string, or a call of a `Db`/`Queryable`'s `query`. */
function sqlIn(file: SourceFile): string | null {
  const text = code(file.source);
  const statement = [...text.matchAll(STRING_LITERAL)].map((m) => m[0].slice(1, -1)).find((body) => SQL_STATEMENT.test(body));
  if (statement !== undefined) return `a SQL statement (${statement.trim().split(/\s+/).slice(0, 3).join(' ')} …)`;
  return /\.query\s*(?:<[^>]*>)?\s*\(/.test(text) ? 'a .query( call' : null;
}

/** Why `file` is a second REST client, or null: its own fetch, or its own ApiError or client class not built on the SDK's. */
function restClientIn(file: SourceFile): string | null {
  if (file.path === REST_CLIENT) return null;
  const text = code(file.source);
  if (/(?:(?<![\w.])|\b(?:globalThis|window|self)\.)fetch\s*\(/.test(text)) return 'calls fetch';
  const own = [...text.matchAll(/\bclass\s+(\w*(?:ApiError|RestClient|ApiClient|HttpClient)\w*)(?:\s*<[^>]*>)?(\s+extends\s+(\w+))?/g)].find(
    (m) => m[3] !== 'ApiError' && m[3] !== 'RestClient',
  );
  return own ? `declares its own ${own[1]}` : null;
}

/** Every rule break in these files, one line each, so a failure lists them all. */
function importViolations(files: SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const { specifier, target } of importsOf(file)) {
      const broke = (rule: string) => found.push(`${file.path} imports '${specifier}': ${rule}`);
      const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

      if (within(file.path, 'src/domain/') && target !== null && !within(target, 'src/domain/')) {
        broke('the domain imports nothing of the project outside src/domain');
      }
      if (within(file.path, 'src/client/')) {
        if (target !== null && !within(target, 'src/client/', 'src/protocol/', 'src/domain/')) {
          broke('the SDK imports only src/protocol, src/domain and src/client');
        }
        if (isBuiltin(specifier) || pkg === 'ws') broke('the SDK has no Node-only imports; the WebSocket constructor is passed in');
      }
      if (within(file.path, 'dashboard/')) {
        // The page is a client like any other: the SDK, plus the domain's pure types it reads (DESIGN: "uses src/client only").
        if (target !== null && !within(target, 'dashboard/', 'src/client/', 'src/domain/')) broke('the dashboard imports only src/client and src/domain types');
        if (isBuiltin(specifier)) broke('the dashboard runs in a browser: no Node imports');
      }
      if (within(file.path, 'src/store/', 'src/events/', 'src/services/')) {
        if (target !== null && within(target, 'src/http/', 'src/realtime/', 'src/cli/', 'src/app.ts')) {
          broke('store, events and services know no transport, CLI or composition root');
        }
        if (TRANSPORT_PACKAGES.includes(pkg)) broke('store, events and services know no transport');
      }
      if (within(file.path, 'src/realtime/') && target !== null && within(target, 'src/services/') && target !== TOKEN_VERIFIER) {
        broke('the realtime gateway imports only the token verifier from the services');
      }
      if (within(file.path, 'src/metrics/') && target !== null && within(target, 'src/services/')) broke('metrics is computation: it imports no services');
      if (within(file.path, 'src/http/') && target !== null && within(target, 'src/realtime/')) broke('REST does not import the realtime gateway');
      if (within(file.path, 'src/realtime/') && target !== null && within(target, 'src/http/')) broke('the realtime gateway does not import REST');
      if (target !== null && CONCRETE.includes(target) && !CONCRETE.includes(file.path) && !within(file.path, 'src/app.ts', 'src/cli/')) {
        broke('only src/app.ts and src/cli choose concrete implementations');
      }
    }
    const sql = within(file.path, 'src/store/') ? null : sqlIn(file);
    if (sql !== null) found.push(`${file.path} holds ${sql}: all SQL lives in src/store`);
    const client = restClientIn(file);
    if (client !== null) found.push(`${file.path} ${client}: the one REST client is ${REST_CLIENT}`);
    if (file.path !== 'src/config.ts' && /\bprocess\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])/.test(code(file.source))) {
      found.push(`${file.path} reads process.env: only src/config.ts reads the environment`);
    }
  }
  return found;
}

const sources = [...listSources('src'), ...listSources('dashboard/src')];

test('the scanner finds the project and its imports', () => {
  // Guards against a scanner that silently finds nothing and so passes every rule.
  assert.ok(sources.some((f) => f.path === 'src/config.ts'), 'src/config.ts not found');
  const visibility = sources.find((f) => f.path === 'src/domain/visibility.ts');
  assert.ok(visibility, 'src/domain/visibility.ts not found');
  assert.deepEqual(importsOf(visibility).map((i) => i.target), ['src/domain/roles.ts']);
});

test('src follows the import rules of DESIGN convention 12', () => {
  assert.deepEqual(importViolations(sources), []);
});

test("the tests' shared helpers use the one REST client", () => {
  // Only the REST rule applies here: test support may pick concrete stores and read the environment.
  const support = listSources('test/support');
  assert.ok(support.some((f) => f.path === 'test/support/rest-client.ts'), 'test/support/rest-client.ts not found');
  assert.deepEqual(support.flatMap((f) => (restClientIn(f) === null ? [] : [`${f.path}: ${restClientIn(f)}`])), []);
});

// Planted violations: each rule must catch its own.
const plant = (path: string, source: string) => importViolations([{ path, source }]);

test('rule: the domain imports nothing of the project outside src/domain', () => {
  assert.equal(plant('src/domain/x.ts', `import { a } from './roles.js';\nimport { b } from 'node:crypto';`).length, 0);
  assert.equal(plant('src/domain/x.ts', `import type { Db } from '../store/db.js';`).length, 1);
  assert.equal(plant('src/domain/sub/x.ts', `export { c } from '../../config.js';`).length, 1);
});

test('rule: the SDK imports only protocol, domain and client, and nothing Node-only', () => {
  assert.equal(plant('src/client/x.ts', `import { a } from '../protocol/frames.js';\nimport { b } from '../domain/topics.js';\nimport { c } from './backoff.js';`).length, 0);
  assert.equal(plant('src/client/x.ts', `import { a } from '../services/tokens.js';`).length, 1);
  assert.equal(plant('src/client/x.ts', `import { randomBytes } from 'node:crypto';`).length, 1);
  assert.equal(plant('src/client/x.ts', `import { EventEmitter } from 'events';`).length, 1);
  assert.equal(plant('src/client/x.ts', `import WebSocket from 'ws';`).length, 1);
});

test('rule: the dashboard imports only the SDK and domain types, nothing Node-only', () => {
  assert.equal(plant('dashboard/src/x.ts', `import { connect } from '../../src/client/index.js';\nimport type { Request } from '../../src/domain/request.js';\nimport { h } from './dom.js';\nimport uPlot from 'uplot';`).length, 0);
  assert.equal(plant('dashboard/src/x.ts', `import { metrics } from '../../src/metrics/project-metrics.js';`).length, 1);
  assert.equal(plant('dashboard/src/x.ts', `import { readFile } from 'node:fs';`).length, 1);
});

test('rule: store, events and services know no transport', () => {
  assert.equal(plant('src/services/x.ts', `import { a } from '../store/db.js';\nimport { b } from '../events/bus.js';`).length, 0);
  for (const layer of ['store', 'events', 'services']) {
    for (const target of ['../http/routes.js', '../realtime/hub.js', '../cli/main.js', '../app.js']) {
      assert.equal(plant(`src/${layer}/x.ts`, `import { a } from '${target}';`).length, 1, `${layer} → ${target}`);
    }
    assert.equal(plant(`src/${layer}/x.ts`, `import type { FastifyInstance } from 'fastify';`).length, 1);
  }
});

test('rule: REST and the realtime gateway do not import each other', () => {
  assert.equal(plant('src/http/x.ts', `import { hub } from '../realtime/hub.js';`).length, 1);
  assert.equal(plant('src/realtime/x.ts', `import { send } from '../http/error-response.js';`).length, 1);
  assert.equal(plant('src/realtime/x.ts', `import { a } from '../protocol/codec.js';`).length, 0);
});

test('rule: only src/app.ts and src/cli pick concrete implementations', () => {
  for (const impl of CONCRETE) {
    const spec = (from: string) => posix.relative(posix.dirname(from), impl).replace(/\.ts$/, '.js').replace(/^(?!\.)/, './');
    assert.equal(plant('src/app.ts', `import { X } from '${spec('src/app.ts')}';`).length, 0, impl);
    assert.equal(plant('src/cli/migrate.ts', `import { X } from '${spec('src/cli/migrate.ts')}';`).length, 0, impl);
    assert.equal(plant('src/services/x.ts', `import { X } from '${spec('src/services/x.ts')}';`).length, 1, impl);
    assert.equal(plant('src/store/x.ts', `const m = await import('${spec('src/store/x.ts')}');`).length, 1, impl);
  }
  // The interfaces beside them are free to use.
  assert.equal(plant('src/services/x.ts', `import type { Bus } from '../events/bus.js';`).length, 0);
});

test('rule: only src/config.ts reads process.env', () => {
  assert.equal(plant('src/config.ts', `const a = process.env.PORT;`).length, 0);
  assert.equal(plant('src/http/x.ts', `const a = process.env.PORT;`).length, 1);
  assert.equal(plant('src/http/x.ts', `const { PORT } = process.env;`).length, 1);
  assert.equal(plant('src/http/x.ts', `const a = process['env'];`).length, 1);
  assert.equal(plant('src/http/x.ts', `// never read process.env here\n/** nor process.env */`).length, 0);
});

test('imports written only in comments do not count', () => {
  assert.equal(plant('src/domain/x.ts', `// import { Db } from '../store/db.js';\n/**\n * import('../http/x.js')\n */`).length, 0);
});

test('rule: all SQL lives in src/store', () => {
  const statements = [
    `const rows = await db.query('SELECT id FROM projects WHERE id = $1', [id]);`,
    "await run(`\n    INSERT INTO requests (id) VALUES ($1)`, [id]);",
    `const text = "UPDATE projects SET seq = seq + 1 WHERE id = $1";`,
    `const t = 'DELETE FROM events WHERE seq < $1';`,
    "const q = `WITH x AS (SELECT 1) SELECT * FROM x`;",
    `await run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');`,
  ];
  for (const source of statements) {
    assert.equal(plant('src/store/x.ts', source).length, 0, source);
    for (const layer of ['services', 'realtime', 'metrics', 'http', 'observability', 'cli']) {
      assert.equal(plant(`src/${layer}/x.ts`, source).length, 1, `${layer}: ${source}`);
    }
  }
  // A query through a Db, even with its text from elsewhere, is the store's business too.
  assert.equal(plant('src/realtime/x.ts', `const rows = await this.db.query<{ id: string }>(text, [id]);`).length, 1);
  // Words that are not statements, in prose or as a method name, and the domain's listing condition, are not SQL.
  assert.equal(plant('src/services/x.ts', `emit(outbox, r, 'UPDATE', scope);\nconst m = 'Select a department first.';\nconst u = request.query;`).length, 0);
  assert.equal(plant('src/domain/x.ts', `export const OPEN = 'r.status > 50 AND NOT r.draft';`).length, 0);
  assert.equal(plant('src/services/x.ts', `// await tx.query('SELECT 1');`).length, 0);
});

test('rule: the realtime gateway imports only the token verifier from the services', () => {
  assert.equal(plant('src/realtime/x.ts', `import { stripTokenPrefix, type TokenService } from '../services/tokens.js';`).length, 0);
  assert.equal(plant('src/realtime/x.ts', `import { viewerOf } from '../domain/viewer.js';`).length, 0);
  assert.equal(plant('src/realtime/x.ts', `import { publicView } from '../services/project-users-service.js';`).length, 1);
  assert.equal(plant('src/realtime/sub/x.ts', `import type { Services } from '../../services/services.js';`).length, 1);
});

test('rule: metrics imports no services', () => {
  assert.equal(plant('src/metrics/x.ts', `import { erlangC } from './erlang-c.js';\nimport { listDepartments } from '../store/departments.js';`).length, 0);
  assert.equal(plant('src/metrics/x.ts', `import { requireMembership } from '../services/context.js';`).length, 1);
});

test('rule: one REST client, the SDK\'s', () => {
  // The SDK's own client, and clients built on it (the CLI's ApiClient), are that one client.
  assert.equal(plant('src/client/rest-client.ts', `export class ApiError extends Error {}\nconst r = await fetch(url);`).length, 0);
  assert.equal(plant('src/cli/api-client.ts', `export class ApiClient extends RestClient {}\nexport { ApiError } from '../client/rest-client.js';`).length, 0);
  assert.equal(plant('dashboard/src/x.ts', `class FetchError extends ApiError {}`).length, 0);
  // A second one: its own error class, its own client class, or its own fetch.
  assert.equal(plant('dashboard/src/api.ts', `export class ApiError extends Error {}`).length, 1);
  assert.equal(plant('src/cli/x.ts', `class HttpClient {\n  get(path: string) {}\n}`).length, 1);
  assert.equal(plant('src/client/x.ts', `export class ApiError extends Error {}`).length, 1);
  assert.equal(plant('dashboard/src/x.ts', `const res = await fetch('/v1/projects');`).length, 1);
  assert.equal(plant('src/cli/x.ts', `const res = await globalThis.fetch(url, { method: 'POST' });`).length, 1);
  assert.notEqual(restClientIn({ path: 'test/support/x.ts', source: `export class TestApiError extends Error {}` }), null);
  assert.equal(plant('src/cli/x.ts', `const page = await this.fetch(next);`).length, 0, 'a method of its own named fetch is not the fetch API');
});
