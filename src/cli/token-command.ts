/**
 * `deskwire token`: a token for a user, for development and tests. When a server holds DATA_DIR the token comes
 * from that server over its control socket (a second PGlite on a live directory would corrupt it and read stale
 * data); otherwise the command opens the store itself, and never creates one unless `--init`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Config } from '../config.js';
import { TokenService } from '../services/tokens.js';
import { currentHolder, DataDirHeldError, holderSocketPath } from '../store/data-dir-lock.js';
import type { Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { listProjectsOfUser } from '../store/projects.js';
import { findUserByEmail, toUser } from '../store/users.js';
import type { ParsedArgs } from './args.js';
import { askServer, type IssuedToken } from './control-socket.js';
import { CliError, ExitCode } from './exit-codes.js';
import { configFlagsUsage, openCliStore, type ServerCommand } from './server-command.js';

const usage = `deskwire token [--email EMAIL] [--ttl SECONDS] [--init] [--data-dir DIR | --database-url URL]

Prints a token for a user, for development and tests (refused when NODE_ENV=production: sign in through
POST /auth/signin). stdout: \`JWT …\`; stderr: the user's projects and the expiry.

When a running server holds DATA_DIR, that server issues the token, over its Unix socket in DATA_DIR (owner-only, so
only the user the server runs as can ask). Otherwise the command opens the store itself: DATA_DIR (or DATABASE_URL)
must hold one already.

  --email EMAIL     the user (default owner@demo.deskwire)
  --ttl SECONDS     the token's lifetime (default TOKEN_TTL_SECONDS, 86400)
  --init            create the store if there is none (without it, a DATA_DIR or database with no store is an error)
  -h, --help        this text

Configuration flags (the token is signed with JWT_SECRET, or DATA_DIR's development secret):
${configFlagsUsage}
`;

export const tokenCommand: ServerCommand = {
  name: 'token',
  summary: 'Print a token for a user (development only): token [--email EMAIL] [--ttl SECONDS]',
  usage,
  optionNames: ['email', 'ttl'],
  switchNames: ['init'],
  run: runToken,
};

/** A starting server takes its lock before it answers on the socket; a token waits this long for it. */
const HOLDER_ANSWER_MS = 15_000;

async function runToken(args: ParsedArgs, config: Config): Promise<number> {
  if (config.nodeEnv === 'production') throw new CliError('deskwire token: refused in production; sign in through POST /auth/signin instead', ExitCode.USAGE);
  const email = typeof args.options.email === 'string' ? args.options.email : 'owner@demo.deskwire';
  const ttl = typeof args.options.ttl === 'string' ? Number(args.options.ttl) : null;
  if (ttl !== null && (!Number.isInteger(ttl) || ttl < 1)) throw new CliError('deskwire token: --ttl must be a positive number of seconds', ExitCode.USAGE);
  if (config.databaseUrl === null && config.dataDir === null) {
    throw new CliError('deskwire token: DATA_DIR=:memory: keeps nothing between processes; point DATA_DIR at the server\'s directory', ExitCode.USAGE);
  }
  const issued = config.databaseUrl === null ? await fromHolderOrStore(config, email, ttl, args.options.init === true) : await fromStore(config, email, ttl, args.options.init === true);
  if (!issued) throw new CliError(`deskwire token: no user with email ${email}`);
  for (const p of issued.projects) process.stderr.write(`project ${p.id} (${p.name}): ${p.role}\n`);
  process.stderr.write(`expires ${new Date(issued.expiresAt * 1000).toISOString()}\n`);
  process.stdout.write(`JWT ${issued.token}\n`);
  return ExitCode.OK;
}

async function fromHolderOrStore(config: Config, email: string, ttl: number | null, init: boolean): Promise<IssuedToken | null> {
  const dataDir = config.dataDir!;
  const deadline = Date.now() + HOLDER_ANSWER_MS;
  for (;;) {
    const holder = await currentHolder(dataDir);
    if (holder === null) {
      try {
        return await fromStore(config, email, ttl, init);
      } catch (error) {
        // A server took the directory in between: ask it instead.
        if (!(error instanceof DataDirHeldError)) throw error;
        continue;
      }
    }
    const socket = holderSocketPath(dataDir, holder);
    if (socket === null) {
      throw new CliError(`deskwire token: DATA_DIR ${dataDir} is held by process ${holder.pid} (${holder.command}), which has no control socket (the path is too long); sign in through POST /auth/signin instead`);
    }
    try {
      const reply = await askServer(socket, '/token', { email, ttl });
      if (reply.status === 200) return reply.body as IssuedToken;
      if (reply.status === 404) return null;
      throw new CliError(`deskwire token: the server (process ${holder.pid}) refused: ${reply.body.error ?? reply.status}: ${reply.body.message ?? ''}`, reply.status === 403 ? ExitCode.USAGE : ExitCode.FAILED);
    } catch (error) {
      if (error instanceof CliError) throw error;
      // Nobody answers yet: the holder is still starting, or is not a server (a migrate): until it answers or exits.
      if (Date.now() > deadline) {
        throw new CliError(`deskwire token: DATA_DIR ${dataDir} is held by process ${holder.pid} (${holder.command}), which does not answer control requests; try again when it has exited`);
      }
      await delay(200);
    }
  }
}

async function fromStore(config: Config, email: string, ttl: number | null, init: boolean): Promise<IssuedToken | null> {
  const db = await openCliStore(config, { init, command: 'token' });
  try {
    await migrate(db);
    return await issueToken(db, await TokenService.fromConfig(config), email, ttl);
  } finally {
    await db.close();
  }
}

/** A token for the user with this email and the projects they belong to; null when there is no such user. */
export async function issueToken(db: Db, tokens: TokenService, email: string, ttl: number | null): Promise<IssuedToken | null> {
  const user = await findUserByEmail(db, email);
  if (!user) return null;
  const { token, expiresAt } = await tokens.issue(toUser(user), ttl ?? undefined);
  const projects = (await listProjectsOfUser(db, user.id)).map((p) => ({ id: p.id, name: p.name, role: p.role }));
  return { token, expiresAt, projects };
}
