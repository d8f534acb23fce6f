import { ConfigError, flagFor, loadConfig, variables } from '../config.js';
import { openStore } from '../app.js';
import { migrate } from '../store/migrate.js';
import { findUserByEmail, toUser } from '../store/users.js';
import { listProjectsOfUser } from '../store/projects.js';
import { TokenService } from '../services/tokens.js';
import { parseArgs } from './args.js';
import { serverTarget, type ClientCommand } from './client-command.js';
import { serve } from './serve.js';
import { simulateCommand } from './simulate.js';
import { tailCommand } from './tail.js';

/** Commands that talk to a running server (over REST and the Realtime API) rather than run or set one up. */
const clientCommands: readonly ClientCommand[] = [tailCommand, simulateCommand];

const usage = `deskwire <command> [flags]

Commands:
  serve     Start the server (REST API, Realtime API)
  migrate   Apply database migrations and exit
  token     Print a token for a user (development only): --email EMAIL [--ttl SECONDS]
${clientCommands.map((c) => `  ${c.name.padEnd(9)} ${c.summary}`).join('\n')}

\`deskwire COMMAND --help\` describes a command's options. The client commands (${clientCommands.map((c) => c.name).join(', ')}) take
--url URL and --token TOKEN, or DESKWIRE_URL and DESKWIRE_TOKEN.

Every configuration variable is also a flag (see docs/config.md):
${variables.map((v) => `  ${flagFor(v.name).padEnd(30)} ${v.name}`).join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  const clientCommand = clientCommands.find((c) => c.name === argv[0]);
  if (clientCommand) return runClientCommand(clientCommand, argv);
  const args = parseArgs(argv, ['email', 'ttl']);
  if (!args.command || args.options.help || args.command === 'help') {
    process.stdout.write(usage);
    return args.command ? 0 : 2;
  }
  const problems = [...args.problems, ...args.positionals.map((a) => `unexpected argument "${a}"`)];
  if (problems.length > 0) {
    process.stderr.write(`deskwire: ${problems.join('; ')}\n\n${usage}`);
    return 2;
  }
  const config = loadConfig(args.configOverrides);
  switch (args.command) {
    case 'serve':
      await serve(config);
      return -1;
    case 'migrate': {
      const db = await openStore(config);
      const applied = await migrate(db);
      await db.close();
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the schema is up to date\n');
      return 0;
    }
    case 'token': {
      if (config.nodeEnv === 'production') {
        process.stderr.write('deskwire token: refused in production; sign in through POST /auth/signin instead\n');
        return 2;
      }
      const email = typeof args.options.email === 'string' ? args.options.email : 'owner@demo.deskwire';
      const ttl = typeof args.options.ttl === 'string' ? Number(args.options.ttl) : config.tokenTtlSeconds;
      if (!Number.isInteger(ttl) || ttl < 1) {
        process.stderr.write('deskwire token: --ttl must be a positive number of seconds\n');
        return 2;
      }
      const db = await openStore(config);
      try {
        await migrate(db);
        const user = await findUserByEmail(db, email);
        if (!user) {
          process.stderr.write(`deskwire token: no user with email ${email}\n`);
          return 1;
        }
        const tokens = await TokenService.fromConfig(config);
        const { token, expiresAt } = await tokens.issue(toUser(user), ttl);
        for (const p of await listProjectsOfUser(db, user.id)) process.stderr.write(`project ${p.id} (${p.name}): ${p.role}\n`);
        process.stderr.write(`expires ${new Date(expiresAt * 1000).toISOString()}\n`);
        process.stdout.write(`JWT ${token}\n`);
        return 0;
      } finally {
        await db.close();
      }
    }
    default:
      process.stderr.write(`deskwire: unknown command "${args.command}"\n\n${usage}`);
      return 2;
  }
}

async function runClientCommand(command: ClientCommand, argv: string[]): Promise<number> {
  const args = parseArgs(argv, command.optionNames, command.switchNames);
  if (args.options.help) {
    process.stdout.write(command.usage);
    return 0;
  }
  if (args.problems.length > 0) {
    process.stderr.write(`deskwire ${command.name}: ${args.problems.join('; ')}\n\n${command.usage}`);
    return 2;
  }
  return command.run(args, serverTarget(args));
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`deskwire: ${error.message}\n`);
    else process.stderr.write(`deskwire: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
