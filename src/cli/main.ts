import { ConfigError, loadConfig } from '../config.js';
import { PortInUseError } from '../net/port-check.js';
import { DataDirHeldError } from '../store/data-dir-lock.js';
import { StoreMissingError } from '../store/store-errors.js';
import { parseArgs } from './args.js';
import { serverTarget, type ClientCommand } from './client-command.js';
import { CliError, ExitCode } from './exit-codes.js';
import { importHistoryCommand } from './import-history.js';
import { migrateCommand } from './migrate-command.js';
import { seedHistoryCommand } from './seed-history.js';
import { serveCommand } from './serve.js';
import type { ServerCommand } from './server-command.js';
import { simulateCommand } from './simulate.js';
import { tailCommand } from './tail.js';
import { tokenCommand } from './token-command.js';

/** Commands that run or set up a server; they take every configuration variable as a flag. */
const serverCommands: readonly ServerCommand[] = [serveCommand, migrateCommand, tokenCommand];
/** Commands that talk to a running server (over REST and the Realtime API). */
const clientCommands: readonly ClientCommand[] = [tailCommand, simulateCommand, importHistoryCommand, seedHistoryCommand];

const usage = `deskwire COMMAND [options]

Commands:
${[...serverCommands, ...clientCommands].map((c) => `  ${c.name.padEnd(14)} ${c.summary}`).join('\n')}
  help           This text (also -h, --help)

\`deskwire COMMAND --help\` (or -h) describes a command and every option it takes.
${serverCommands.map((c) => c.name).join(', ')} take every configuration variable as a flag (PORT is --port; docs/config.md).
${clientCommands.map((c) => c.name).join(', ')} take --url URL and --token TOKEN, or DESKWIRE_URL and DESKWIRE_TOKEN.

Exit codes: 0 done (serve: stopped by SIGTERM or SIGINT); 1 failed at run time (refused, unreachable, a port or
DATA_DIR in use: may work later); 2 wrong command line or configuration (fails again unchanged).
`;

async function main(argv: string[]): Promise<number> {
  const [name] = argv;
  if (name === undefined) {
    process.stderr.write(usage);
    return ExitCode.USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return ExitCode.OK;
  }
  const clientCommand = clientCommands.find((c) => c.name === name);
  if (clientCommand) return runClientCommand(clientCommand, argv);
  const command = serverCommands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`deskwire: unknown command "${name}"\n\n${usage}`);
    return ExitCode.USAGE;
  }
  const args = parseArgs(argv, command.optionNames, command.switchNames);
  if (args.options.help) {
    process.stdout.write(command.usage);
    return ExitCode.OK;
  }
  const problems = [...args.problems, ...args.positionals.map((a) => `unexpected argument "${a}"`)];
  if (problems.length > 0) {
    process.stderr.write(`deskwire ${name}: ${problems.join('; ')} (deskwire ${name} --help lists the options)\n`);
    return ExitCode.USAGE;
  }
  const config = loadConfig({ ...args.configOverrides, ...(args.options.wait === true ? { DATA_DIR_WAIT: 'true' } : {}) });
  return command.run(args, config);
}

async function runClientCommand(command: ClientCommand, argv: string[]): Promise<number> {
  const args = parseArgs(argv, command.optionNames, command.switchNames);
  if (args.options.help) {
    process.stdout.write(command.usage);
    return ExitCode.OK;
  }
  if (args.problems.length > 0) {
    process.stderr.write(`deskwire ${command.name}: ${args.problems.join('; ')}\n\n${command.usage}`);
    return ExitCode.USAGE;
  }
  return command.run(args, serverTarget(args));
}

/** Failures that are fully said in one line: no stack trace. */
const plainFailures = [DataDirHeldError, StoreMissingError, PortInUseError];

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`deskwire: ${error.message}\n`);
      process.exit(ExitCode.USAGE);
    }
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(error.exitCode);
    }
    if (plainFailures.some((type) => error instanceof type)) process.stderr.write(`deskwire: ${(error as Error).message}\n`);
    else process.stderr.write(`deskwire: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(ExitCode.FAILED);
  },
);
