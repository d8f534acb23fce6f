/**
 * Turns a results file into the markdown tables docs/benchmarks.md shows, so figures are pasted, never retyped.
 *   npx tsx bench/to-markdown.ts bench/results/quick-….json
 */
import { readFileSync } from 'node:fs';
import type { Row, ScenarioResult } from './scenarios/result.js';

interface ResultsFile {
  plan: { mode: string; store: string };
  machine: Row;
  startedAt: string;
  durationS: number;
  results: ScenarioResult[];
  ratios: Row[];
  targets: Row[];
  problems: string[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: to-markdown.ts RESULTS.json');
const r = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;

function md(rows: Row[]): string {
  if (rows.length === 0) return '_no rows_\n';
  const cols = [...new Set(rows.flatMap((x) => Object.keys(x)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '–' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  return [`| ${cols.join(' | ')} |`, `|${cols.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`, ...rows.map((x) => `| ${cols.map((c) => cell(x[c])).join(' | ')} |`)].join('\n') + '\n';
}

console.log(`Run \`${r.plan.mode}\` (store ${r.plan.store}), started ${r.startedAt}, ${r.durationS} s; ${r.problems.length === 0 ? 'sanity OK' : `${r.problems.length} problem(s)`}.\n`);
for (const s of r.results) {
  console.log(`**${s.scenario}**\n\n${md(s.rows)}`);
  for (const p of s.problems) console.log(`- problem: ${p}`);
  if (s.problems.length) console.log();
}
console.log(`**deskwire / baseline**\n\n${md(r.ratios)}`);
console.log(`**issue 8 targets**\n\n${md(r.targets)}`);
