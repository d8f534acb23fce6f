/**
 * `deskwire --help`, `-h` and `help` print the usage and exit 0; every command's `--help` prints its own text with
 * every option it takes; wrong command lines exit 2 (the documented exit codes).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flagFor, variables } from '../../src/config.js';
import { migrateCommand } from '../../src/cli/migrate-command.js';
import { serveCommand } from '../../src/cli/serve.js';
import { simulateCommand } from '../../src/cli/simulate.js';
import { tailCommand } from '../../src/cli/tail.js';
import { tokenCommand } from '../../src/cli/token-command.js';
import { CliProcess, cliEnv } from './cli-process.js';

const deskwire = (...args: string[]) => new CliProcess(process.execPath, ['bin/deskwire.js', ...args], cliEnv());
const commands = [serveCommand, migrateCommand, tokenCommand, tailCommand, simulateCommand];

describe('deskwire help and exit codes', () => {
  test('--help and -h print the usage on stdout and exit 0; no command exits 2', async () => {
    const outputs: string[] = [];
    for (const flag of ['--help', '-h']) {
      const run = deskwire(flag);
      assert.equal(await run.exit(), 0, `${flag}: ${run.stderr}`);
      assert.equal(run.stderr, '');
      outputs.push(run.stdout);
    }
    assert.equal(outputs[1], outputs[0]);
    assert.match(outputs[0]!, /^deskwire COMMAND \[options\]/);
    for (const c of commands) assert.match(outputs[0]!, new RegExp(`\\n  ${c.name} +\\S`), c.name);
    assert.match(outputs[0]!, /Exit codes: 0 done .* 1 failed at run time .* 2 wrong command line or configuration/s);
    const none = deskwire();
    assert.equal(await none.exit(), 2);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^deskwire COMMAND/);
  });

  test('every command prints its own help, naming every option it takes, with --help and -h', async () => {
    // The texts themselves, for every command…
    for (const command of commands) {
      assert.match(command.usage, new RegExp(`^deskwire ${command.name} `));
      for (const option of [...command.optionNames, ...command.switchNames]) assert.match(command.usage, new RegExp(`--${option}\\b`), `${command.name} --${option}`);
      assert.match(command.usage, /-h, --help/);
    }
    // …the commands that run a server take every configuration variable as a flag, and say so…
    for (const command of [serveCommand, migrateCommand, tokenCommand]) {
      for (const v of variables) assert.ok(command.usage.includes(flagFor(v.name)), `${command.name} --help lacks ${flagFor(v.name)}`);
    }
    // …and the CLI prints them, for a server command and a client command, with either flag.
    for (const [command, flag] of [[serveCommand, '--help'], [tokenCommand, '-h'], [tailCommand, '-h']] as const) {
      const run = deskwire(command.name, flag);
      assert.equal(await run.exit(), 0, `${command.name}: ${run.stderr}`);
      assert.equal(run.stdout, command.usage);
    }
  });

  test('a wrong command line exits 2 with one line saying what is wrong', async () => {
    const unknown = deskwire('frobnicate');
    assert.equal(await unknown.exit(), 2);
    assert.match(unknown.stderr, /^deskwire: unknown command "frobnicate"\n/);
    const flag = deskwire('migrate', '--no-such-flag');
    assert.equal(await flag.exit(), 2);
    assert.equal(flag.stderr, 'deskwire migrate: unknown flag --no-such-flag (deskwire migrate --help lists the options)\n');
  });
});
