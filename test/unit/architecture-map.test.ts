/** docs/architecture.md's map of the code names every folder of src/ (and every file at its top), so it cannot go stale silently. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url);
const doc = readFileSync(new URL('docs/architecture.md', root), 'utf8');
const map = /^## A map of the code\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(doc)?.[1] ?? '';

/** The first cells of the map's rows: `src/domain/`, or several names such as `src/app.ts`, `src/config.ts`. */
function mapped(markdown: string): Set<string> {
  const rows = [...markdown.matchAll(/^\|([^|]+)\|/gm)].map((m) => m[1]!);
  return new Set(rows.flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
}

function missing(entries: { name: string; isDirectory(): boolean }[], listed: Set<string>): string[] {
  return entries.map((e) => (e.isDirectory() ? `src/${e.name}/` : `src/${e.name}`)).filter((name) => !listed.has(name));
}

test('the map of the code lists every folder and top-level file of src/, and dashboard, bench and test/support', () => {
  assert.ok(map.length > 0, 'docs/architecture.md has no "## A map of the code" section');
  const listed = mapped(map);
  const entries = readdirSync(new URL('src/', root), { withFileTypes: true });
  assert.ok(entries.length >= 10, 'src/ was not read');
  assert.deepEqual(missing(entries, listed), []);
  for (const folder of ['dashboard/', 'bench/', 'test/support/']) assert.ok(listed.has(folder), `${folder} is not in the map`);
});

test('a folder the map does not name is caught', () => {
  assert.deepEqual(missing([{ name: 'plugins', isDirectory: () => true }], mapped(map)), ['src/plugins/']);
});
