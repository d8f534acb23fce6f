import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cliVariables, ConfigError, flagFor, loadCliEnv, loadConfig, variables } from '../../src/config.js';

const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');

interface DocRow {
  name: string;
  default: string | null;
  flag: string;
}

/** Rows of the variable tables: `| `NAME` | `default` or unset | `--flag` | description |`. */
function documentedVariables(markdown: string): DocRow[] {
  const rows: DocRow[] = [];
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|/.exec(line);
    if (!m) continue;
    const [, name, defaultCell, flagCell] = m as unknown as [string, string, string, string];
    const code = (cell: string) => /^`([^`]*)`$/.exec(cell)?.[1];
    const parsedDefault = defaultCell === 'unset' ? null : code(defaultCell);
    assert.notEqual(parsedDefault, undefined, `${name}: default cell must be \`value\` or unset, got "${defaultCell}"`);
    rows.push({ name, default: parsedDefault ?? null, flag: code(flagCell) ?? flagCell });
  }
  return rows;
}

// The server's variables come first; the client commands' own section ends the page.
const CLIENT_HEADING = '\n## Client commands\n';
assert.ok(doc.includes(CLIENT_HEADING), 'docs/config.md should have a "## Client commands" section');
const rows = documentedVariables(doc.slice(0, doc.indexOf(CLIENT_HEADING)));
const clientRows = documentedVariables(doc.slice(doc.indexOf(CLIENT_HEADING)));

test('docs/config.md documents each variable exactly once', () => {
  const names = [...rows, ...clientRows].map((r) => r.name);
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], 'documented twice');
});

test('every variable src/config.ts reads is documented', () => {
  const documented = new Set(rows.map((r) => r.name));
  assert.deepEqual(variables.map((v) => v.name).filter((n) => !documented.has(n)), []);
});

test('every documented variable is one src/config.ts reads', () => {
  const declared = new Set(variables.map((v) => v.name));
  assert.deepEqual(rows.map((r) => r.name).filter((n) => !declared.has(n)), []);
});

test('documented defaults equal the declared defaults', () => {
  const declared = new Map(variables.map((v) => [v.name, v.default]));
  const mismatches = rows
    .filter((r) => declared.has(r.name) && declared.get(r.name) !== r.default)
    .map((r) => `${r.name}: doc ${JSON.stringify(r.default)}, code ${JSON.stringify(declared.get(r.name))}`);
  assert.deepEqual(mismatches, []);
});

test('documented flags are the ones deskwire serve accepts', () => {
  const mismatches = rows.filter((r) => r.flag !== flagFor(r.name)).map((r) => `${r.name}: doc ${r.flag}, code ${flagFor(r.name)}`);
  assert.deepEqual(mismatches, []);
});

test("the intro's example error is what the server really prints", () => {
  const example = /```\n(Invalid configuration:\n[\s\S]*?)\n```/.exec(doc)?.[1];
  assert.ok(example, 'docs/config.md should show an example ConfigError');
  const env = { PORT: 'eighty', LOG_LEVEL: 'loud', JWT_SECRET: 'short' };
  assert.ok(doc.includes('`PORT=eighty LOG_LEVEL=loud JWT_SECRET=short`'), 'the doc should name the example environment');
  assert.throws(
    () => loadConfig({}, env),
    (error) => error instanceof ConfigError && error.message === example,
    'the example in docs/config.md differs from the real ConfigError message',
  );
});

test('the client commands section lists exactly cliVariables, with their defaults and flags', () => {
  const documented = clientRows.map((r) => ({ name: r.name, default: r.default, flag: r.flag }));
  assert.deepEqual(documented, cliVariables.map((v) => ({ name: v.name, default: v.default, flag: v.flag })));
});

test('loadCliEnv reads DESKWIRE_URL and DESKWIRE_TOKEN, empty meaning unset', () => {
  assert.deepEqual(loadCliEnv({}), { url: 'http://127.0.0.1:3000', token: null });
  assert.deepEqual(loadCliEnv({ DESKWIRE_URL: 'http://h:1', DESKWIRE_TOKEN: 'JWT x' }), { url: 'http://h:1', token: 'JWT x' });
  assert.deepEqual(loadCliEnv({ DESKWIRE_URL: '', DESKWIRE_TOKEN: '' }), { url: 'http://127.0.0.1:3000', token: null });
});
