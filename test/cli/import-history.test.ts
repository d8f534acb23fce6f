/** `deskwire import-history` as its own process against a real server: summary and exit 0, every bad line and exit 1. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectStatus } from '../support/rest-client.js';
import { CliProcess, cliEnv } from './cli-process.js';
import { useDesk } from '../support/use-desk.js';

describe('deskwire import-history against a real server', () => {
  const suite = useDesk('pglite', {}, { realtime: false });
  let dir: string;
  const day = 86_400_000;
  const base = Math.floor(Date.now() / day) * day - 2 * day;
  const iso = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deskwire-import-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (file: string, extra: string[] = []) => {
    const cli = new CliProcess('node', ['bin/deskwire.js', 'import-history', '--project', suite.desk.projectId, file, '--url', suite.app.url, '--token', suite.desk.admin.token, ...extra], cliEnv());
    const code = await cli.exit(60_000);
    return { code, stdout: cli.stdout, stderr: cli.stderr };
  };
  const arrivals = async () => {
    const h = expectStatus(await suite.desk.owner.rest.get(`/${suite.desk.projectId}/metrics/history?from=${iso(0)}&to=${iso(24 * 60)}&interval=1d`), 200);
    return h.intervals[0].arrivals;
  };

  test('a good file: a summary on stdout, exit 0, the rows in the history', async () => {
    const file = join(dir, 'good.csv');
    writeFileSync(file, `created_at,closed_at,department\n${iso(10)},${iso(20)},Sales\n${iso(70)},,\n`);
    const r = await run(file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^imported 2 conversations into 4 history intervals from \S+ to \S+ in \d+\.\d s\n$/);
    assert.match(r.stderr, /sending .*good\.csv \(2 rows/);
    assert.equal(await arrivals(), 2);
  });

  test('a bad file: every problem as FILE:LINE: COLUMN: MESSAGE, exit 1, nothing imported; a missing file exits 2', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, `created_at,closed_at,department\n${iso(10)},${iso(5)},\nnot a date,,\n${iso(30)},,Nowhere\n`);
    const r = await run(file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${file}:2: closed_at: closed_at is before created_at\\n${file}:3: created_at: .*\\n${file}:4: department: no department "Nowhere"`));
    assert.match(r.stderr, /IMPORT_INVALID: 3 problems in the file, nothing imported/);
    assert.equal(await arrivals(), 2, 'unchanged');
    const missing = await run(join(dir, 'missing.csv'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*missing\.csv: ENOENT/);
  });
});
