/**
 * What the commands that run or set up a server (`serve`, `migrate`, `token`) share: config flags and the store.
 * The composition root is imported when a command runs, not when the CLI starts: `--help`, `tail` and a token
 * asked of a running server start in a third of the time.
 */
import { flagFor, variables, type Config } from '../config.js';
import { describeExposure } from '../store/data-dir-modes.js';
import type { Db } from '../store/db.js';
import { hasSchema } from '../store/migrate.js';
import { StoreMissingError } from '../store/store-errors.js';
import type { ParsedArgs } from './args.js';

export interface ServerCommand {
  name: string;
  /** One line for `deskwire --help`. */
  summary: string;
  /** The full text for `deskwire NAME --help`. */
  usage: string;
  optionNames: readonly string[];
  switchNames: readonly string[];
  /** Resolves with the exit code; -1 keeps the process running (serve). */
  run(args: ParsedArgs, config: Config): Promise<number>;
}

/** Every configuration variable as a flag, for the usage texts. */
export const configFlagsUsage = variables.map((v) => `  ${`${flagFor(v.name)} ${v.name === 'NODE_ENV' ? 'ENV' : 'VALUE'}`.padEnd(38)} ${v.name}`).join('\n');

/**
 * The store for a CLI command. It never creates one unless `init` (a mistyped DATA_DIR or DATABASE_URL is an
 * error, not a new empty store), and an embedded store held by another process is refused (DataDirHeldError) or
 * waited for (DATA_DIR_WAIT / --wait).
 */
export async function openCliStore(config: Config, options: { init: boolean; command: string }): Promise<Db> {
  const note = (line: string) => process.stderr.write(`deskwire ${options.command}: ${line}\n`);
  // Loaded only to run: the composition root (Fastify, PGlite, …) is most of the CLI's start-up time.
  const { openStore } = await import('../app.js');
  // A one-shot command runs a few statements: on the event loop's thread, with no worker to start (about a second).
  const db = await openStore({ ...config, pgliteThread: 'main' }, {
    create: options.init,
    command: `deskwire ${options.command}`,
    onWait: (holder) => note(`waiting for process ${holder.pid} (${holder.command}) to release DATA_DIR ${config.dataDir}`),
    onExposed: (dir, report) => note(describeExposure(dir, report)),
  });
  if (db.kind === 'postgres' && !options.init && !(await hasSchema(db))) {
    await db.close();
    throw new StoreMissingError('the database DATABASE_URL names');
  }
  return db;
}
