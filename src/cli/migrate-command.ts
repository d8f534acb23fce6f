/** `deskwire migrate`: applies the migrations a store lacks, ahead of a deploy (every server start does it too). */
import type { Config } from '../config.js';
import { migrate } from '../store/migrate.js';
import type { ParsedArgs } from './args.js';
import { ExitCode } from './exit-codes.js';
import { configFlagsUsage, openCliStore, type ServerCommand } from './server-command.js';

const usage = `deskwire migrate [--init] [--wait] [--data-dir DIR | --database-url URL]

Applies the migrations the store lacks, then exits. Every server start migrates too; this is for doing it ahead of
a deploy. A DATA_DIR that a running process holds is refused (a running server migrated it when it started).

  --init            create the store if there is none (without it, a DATA_DIR or database with no store is an error)
  --wait            when another process holds DATA_DIR, wait until it has exited (DATA_DIR_WAIT=true)
  -h, --help        this text

Configuration flags:
${configFlagsUsage}
`;

export const migrateCommand: ServerCommand = {
  name: 'migrate',
  summary: 'Apply database migrations and exit: migrate [--init] [--wait]',
  usage,
  optionNames: [],
  switchNames: ['init', 'wait'],
  run: runMigrate,
};

async function runMigrate(args: ParsedArgs, config: Config): Promise<number> {
  const db = await openCliStore(config, { init: args.options.init === true, command: 'migrate' });
  try {
    const applied = await migrate(db);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the schema is up to date\n');
    return ExitCode.OK;
  } finally {
    await db.close();
  }
}
