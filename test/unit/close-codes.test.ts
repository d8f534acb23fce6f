/**
 * The error catalogue is the one source of close codes: the SDK's `CloseCode` table is derived from it, and every
 * close the code base sends names a catalogue entry's code (or 1000, a normal close, or the SDK's own abandon code).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { errors, type ErrorSpec } from '../../src/domain/errors.js';
import { CLIENT_ABANDONED_CLOSE, CloseCode } from '../../src/protocol/close-codes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const catalogueCloses = new Set((Object.values(errors) as ErrorSpec[]).flatMap((spec) => (spec.close === null ? [] : [spec.close])));

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(posix.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [{ path, text: readFileSync(posix.join(root, path), 'utf8') }] : [];
  });
}

/** The value of a close call's first argument, or an explanation of why it cannot be read. */
function closeValue(expression: string): number | string {
  const named = /^CloseCode\.([A-Z_]+)$/.exec(expression);
  if (named) return (CloseCode as Record<string, number>)[named[1]!] ?? `no CloseCode.${named[1]}`;
  const fromCatalogue = /^errors\.([A-Z_]+)\.close$/.exec(expression);
  if (fromCatalogue) return (errors as Record<string, ErrorSpec>)[fromCatalogue[1]!]?.close ?? `no catalogue close for ${expression}`;
  if (expression === 'CLIENT_ABANDONED_CLOSE') return CLIENT_ABANDONED_CLOSE;
  if (/^\d+$/.test(expression)) return Number(expression);
  return `cannot read the close code "${expression}"`;
}

/** Every `x.close(code, 'reason')` and `closeWith(code, 'reason')` in these files, with where it stands. */
function closeCalls(files: { path: string; text: string }[]): { where: string; expression: string }[] {
  return files.flatMap(({ path, text }) =>
    [...text.matchAll(/(?:\bcloseWith|\.close)\(\s*([^,()]+?)\s*,\s*['"`]/g)].map((m) => ({
      where: `${path}:${text.slice(0, m.index).split('\n').length}`,
      expression: m[1]!,
    })),
  );
}

test('every named close code other than NORMAL is a catalogue entry\'s close code', () => {
  for (const [name, value] of Object.entries(CloseCode)) {
    if (name === 'NORMAL') assert.equal(value, 1000);
    else assert.ok(catalogueCloses.has(value), `CloseCode.${name} = ${value} is in no catalogue entry`);
  }
});

test('every close code in the catalogue has a name in CloseCode, for the SDK to branch on', () => {
  const named = new Set<number>(Object.values(CloseCode));
  assert.deepEqual([...catalogueCloses].filter((code) => !named.has(code)), []);
});

test('every close the code base sends uses a code of the catalogue', () => {
  const calls = closeCalls(sources('src'));
  // Guards against a scanner that finds nothing and so passes: the gateway and the session close sockets.
  assert.ok(calls.length >= 8, `found only ${calls.length} close calls`);
  const strays = calls.flatMap(({ where, expression }) => {
    const value = closeValue(expression);
    if (typeof value === 'string') return [`${where}: ${value}`];
    if (value === CloseCode.NORMAL || catalogueCloses.has(value)) return [];
    if (value === CLIENT_ABANDONED_CLOSE && where.startsWith('src/client/')) return [];
    return [`${where}: close code ${value} is not in the catalogue`];
  });
  assert.deepEqual(strays, []);
});

test('the scan catches a planted close code that the catalogue lacks', () => {
  const planted = closeCalls([{ path: 'src/realtime/x.ts', text: `ws.close(4002, 'nope');\nthis.closeWith(CloseCode.NOPE, 'x');` }]);
  assert.deepEqual(planted.map((c) => closeValue(c.expression)), [4002, 'no CloseCode.NOPE']);
  assert.equal(catalogueCloses.has(4002), false);
});
