import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { errors, isErrorCode, type ErrorSpec } from '../../src/domain/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
// CI clones the repo with shared/ beside it; a bare clone elsewhere has no PROTOCOL.md.
const protocolUrl = new URL('../../../shared/PROTOCOL.md', import.meta.url);
const protocol = existsSync(protocolUrl) ? readFileSync(protocolUrl, 'utf8') : null;
// Skipped (never silently passed) when a clone was made without shared/ beside it; CI always has it.
const protocolSkip = protocol !== null ? false : `no ${protocolUrl.pathname}: shared/ is not beside this clone`;

type Row = Pick<ErrorSpec, 'http' | 'close' | 'retryable'> & { code: string };

/** Rows of the catalogue table: `| `CODE` | 401 or — | 4001 or — | yes/no | meaning |`. */
function documentedCodes(markdown: string): Row[] {
  const rows: Row[] = [];
  const status = (cell: string, code: string): number | null => {
    if (cell === '—') return null;
    assert.match(cell, /^\d{3,4}$/, `${code}: expected a number or —, got "${cell}"`);
    return Number(cell);
  };
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|\s*$/.exec(line);
    if (!m) continue;
    const [, code, http, close, retryable, meaning] = m.map((c) => c.trim()) as [string, string, string, string, string, string];
    assert.ok(retryable === 'yes' || retryable === 'no', `${code}: retryable must be yes or no, got "${retryable}"`);
    assert.ok(meaning.length > 0, `${code}: no meaning given`);
    rows.push({ code, http: status(http, code), close: status(close, code), retryable: retryable === 'yes' });
  }
  return rows;
}

/** The backticked codes in PROTOCOL.md's section 9. */
function protocolCodes(markdown: string): string[] {
  const section = /^## 9\.[^\n]*\n([\s\S]*?)(?=^## )/m.exec(markdown)?.[1];
  assert.ok(section, 'PROTOCOL.md has no section 9');
  return [...section.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!);
}

/** Close codes listed in PROTOCOL.md's section 8 table. */
function protocolCloseCodes(markdown: string): number[] {
  const section = /^## 8\.[^\n]*\n([\s\S]*?)(?=^## )/m.exec(markdown)?.[1];
  assert.ok(section, 'PROTOCOL.md has no section 8');
  return [...section.matchAll(/^\|\s*(\d{4})\s*\|/gm)].map((m) => Number(m[1]));
}

const rows = documentedCodes(doc);
const catalogue = Object.keys(errors);

test('docs/errors.md lists each code once', () => {
  const codes = rows.map((r) => r.code);
  assert.ok(codes.length > 0, 'no catalogue rows found in docs/errors.md');
  assert.deepEqual(codes.filter((c, i) => codes.indexOf(c) !== i), []);
});

test('every catalogue code is documented', () => {
  const documented = new Set(rows.map((r) => r.code));
  assert.deepEqual(catalogue.filter((c) => !documented.has(c)), []);
});

test('every documented code is in the catalogue', () => {
  assert.deepEqual(rows.map((r) => r.code).filter((c) => !isErrorCode(c)), []);
});

test('documented HTTP status, close code and retryable flag match the catalogue', () => {
  const mismatches: string[] = [];
  for (const row of rows) {
    if (!isErrorCode(row.code)) continue;
    const spec: ErrorSpec = errors[row.code];
    for (const field of ['http', 'close', 'retryable'] as const) {
      if (spec[field] !== row[field]) mismatches.push(`${row.code}.${field}: doc ${row[field]}, code ${spec[field]}`);
    }
  }
  assert.deepEqual(mismatches, []);
});

test('catalogue entries are well formed', () => {
  for (const [code, spec] of Object.entries(errors) as [string, ErrorSpec][]) {
    assert.match(code, /^[A-Z]+(_[A-Z]+)*$/, `${code} is not AREA_WHAT`);
    if (spec.http !== null) assert.ok(spec.http >= 400 && spec.http <= 599, `${code}: HTTP ${spec.http} is not an error status`);
    // 1000 is a normal close: an error never ends a connection with it.
    if (spec.close !== null) assert.ok(spec.close === 1001 || (spec.close >= 1008 && spec.close <= 1011) || (spec.close >= 4000 && spec.close <= 4999), `${code}: close ${spec.close}`);
    assert.ok(spec.message.length > 0, `${code}: empty message`);
  }
});

test('every code PROTOCOL.md §9 lists exists in the catalogue', { skip: protocolSkip }, () => {
  assert.ok(protocol !== null, `${protocolUrl.pathname} is missing`);
  const listed = protocolCodes(protocol);
  assert.ok(listed.length >= 19, `found only ${listed.length} codes in §9: the section format changed?`);
  assert.deepEqual(listed.filter((c) => !isErrorCode(c)), []);
});

test('every close code in the catalogue is one PROTOCOL.md §8 defines', { skip: protocolSkip }, () => {
  assert.ok(protocol !== null, `${protocolUrl.pathname} is missing`);
  const defined = new Set(protocolCloseCodes(protocol));
  assert.ok(defined.size > 0, 'no close codes found in §8');
  const undefinedCodes = (Object.entries(errors) as [string, ErrorSpec][])
    .filter(([, spec]) => spec.close !== null && !defined.has(spec.close))
    .map(([code, spec]) => `${code}: ${spec.close}`);
  assert.deepEqual(undefinedCodes, []);
});
