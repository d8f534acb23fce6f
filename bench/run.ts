/**
 * `npm run bench` (full, issue 8's figures), `npm run bench -- --quick` (CI size, < 3 min), `--scale=N` (N
 * subscribers), `--only=fanout,storm`, `--systems=deskwire,ws-coalesced`, `--store=postgres` (DATABASE_URL);
 * `--only=import [--rows=N]` (history import, embedded store);
 * `--only=cluster --nodes=3 --connections=50000 --store=postgres` (DATABASE_URL and REDIS_URL) for several nodes.
 * Servers, load generators and the writer are separate processes on loopback; all are killed when this exits or
 * its deadline passes. Prints one table per scenario and the ratios to the baselines, writes
 * bench/results/<mode>-<time>.json, and exits non-zero when a scenario did not complete or lost or duplicated
 * a delivery.
 */
import { guardChildren } from './lib/children.js';
import { parsePlan, type ScenarioName } from './lib/plan.js';
import { machine, ratios, table, writeResults } from './lib/report.js';
import { evaluateTargets } from './lib/targets.js';
import { cluster } from './scenarios/cluster.js';
import { connections } from './scenarios/connections.js';
import { fanout } from './scenarios/fanout.js';
import { helpdesk } from './scenarios/helpdesk.js';
import { importHistory } from './scenarios/import.js';
import { moderate } from './scenarios/moderate.js';
import type { ScenarioResult } from './scenarios/result.js';
import { slow } from './scenarios/slow.js';
import { storm } from './scenarios/storm.js';

const runners: Record<ScenarioName, typeof fanout> = { connections, moderate, fanout, helpdesk, slow, storm, import: importHistory, cluster };

const plan = parsePlan(process.argv.slice(2));
const startedAt = new Date();
const results: ScenarioResult[] = [];
// Past the deadline, what finished is still written down (marked incomplete) before the exit.
guardChildren(plan.deadlineMs, () => finish([`deadline of ${plan.deadlineMs / 1000} s reached during the run`]));
console.log(`deskwire bench: ${plan.mode}, scenarios ${plan.scenarios.join(', ')}; systems ${plan.systems.join(', ')}; store ${plan.store}`);
for (const name of plan.scenarios) {
  const t0 = performance.now();
  let result: ScenarioResult;
  try {
    result = await runners[name](plan);
  } catch (error) {
    result = { scenario: name, rows: [], problems: [`${name} did not complete: ${error instanceof Error ? error.stack ?? error.message : String(error)}`] };
  }
  results.push(result);
  process.stdout.write(table(`${name} (${Math.round((performance.now() - t0) / 1000)} s)`, result.rows));
  for (const p of result.problems) console.log(`  ! ${p}`);
}
finish([]);

function finish(extraProblems: string[]): never {
  const ratioRows = ratios(results);
  process.stdout.write(table('deskwire / baseline', ratioRows));
  const targetRows = evaluateTargets(results);
  process.stdout.write(table('targets (issues 8, 15 and 19)', targetRows));
  const problems = [...results.flatMap((r) => r.problems), ...extraProblems];
  const durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
  const content = { plan, machine: machine(), startedAt, durationS, results, ratios: ratioRows, targets: targetRows, problems };
  const file = writeResults(`${plan.mode}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, content, plan.mode === 'quick' && problems.length === 0 ? 'latest-quick.json' : undefined);
  console.log(`\n${problems.length === 0 ? 'sanity: OK' : `sanity: ${problems.length} problem(s)`} — ${durationS} s — ${file}`);
  process.exit(problems.length === 0 ? 0 : extraProblems.length > 0 ? 3 : 1);
}
