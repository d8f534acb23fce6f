/** The printed tables, the ratios to the baselines, and the JSON file a run leaves behind. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Row, ScenarioResult } from '../scenarios/result.js';
import { benchPath } from './children.js';

export function table(title: string, rows: Row[]): string {
  if (rows.length === 0) return `${title}: no rows\n`;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '–' : typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [`\n${title}`, line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n') + '\n';
}

/** deskwire's figure over each baseline's, for the headline numbers of the scenarios that ran. */
export function ratios(results: ScenarioResult[]): Row[] {
  const out: Row[] = [];
  const best = (rows: Row[], system: string, col: string, pick: (a: number, b: number) => number) =>
    rows.filter((r) => r.system === system && typeof r[col] === 'number').map((r) => r[col] as number).reduce(pick, Number.NaN);
  const add = (scenario: string, metric: string, col: string, pick: (a: number, b: number) => number) => {
    const rows = results.find((r) => r.scenario === scenario)?.rows ?? [];
    const mine = best(rows, 'deskwire', col, pick);
    if (Number.isNaN(mine)) return;
    for (const base of ['ws-per-event', 'ws-coalesced', 'socketio']) {
      const theirs = best(rows, base, col, pick);
      if (!Number.isNaN(theirs) && theirs !== 0) out.push({ metric, baseline: base, deskwire: mine, baselineValue: theirs, ratio: Math.round((mine / theirs) * 100) / 100 });
    }
  };
  const max = (a: number, b: number) => (Number.isNaN(a) ? b : Math.max(a, b));
  add('fanout', 'fan-out: best delivered/s', 'delivered/s', max);
  add('connections', 'handshakes/s', 'handshakes/s', max);
  add('connections', 'RSS KB per connection', 'RSS KB/conn', max);
  return out;
}

export function machine(): Row {
  return { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memGB: Math.round(totalmem() / 1073741824), node: process.version, platform: process.platform };
}

export function writeResults(name: string, content: unknown, alsoAs?: string): string {
  const dir = benchPath('results');
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${name}`;
  const text = `${JSON.stringify(content, null, 2)}\n`;
  writeFileSync(file, text);
  if (alsoAs) writeFileSync(`${dir}/${alsoAs}`, text);
  return file;
}
