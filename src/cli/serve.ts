import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app.js';
import type { Config } from '../config.js';
import { assertPortFree, PortInUseError } from '../net/port-check.js';
import { readDemoCredentials, type DemoData } from '../services/demo-data.js';
import { findUserByEmail, toUser } from '../store/users.js';
import type { ParsedArgs } from './args.js';
import { serveControl } from './control-socket.js';
import { configFlagsUsage, type ServerCommand } from './server-command.js';
import { issueToken } from './token-command.js';

const usage = `deskwire serve [--wait] [--port PORT] [--data-dir DIR] [any configuration flag]

Starts the server: the REST API, the Realtime API and the dashboard on one port, with the embedded store in
DATA_DIR (created owner-only on the first start, with a demo project) or PostgreSQL (DATABASE_URL). This process is
the server: SIGTERM drains (new Realtime connections refused, open ones closed over DRAIN_SECONDS, REST answered
until then) and exits 0; SIGINT (Ctrl-C) stops at once. A port in use, or a DATA_DIR another process holds, is
refused before anything is opened.

  --wait            when another process holds DATA_DIR, wait until it has exited (DATA_DIR_WAIT=true)
  -h, --help        this text

Configuration flags (each is also an environment variable: docs/config.md):
${configFlagsUsage}
`;

export const serveCommand: ServerCommand = {
  name: 'serve',
  summary: 'Start the server (REST API, Realtime API, dashboard): serve [--wait] [--port PORT]',
  usage,
  optionNames: [],
  switchNames: ['wait'],
  run: async (_args: ParsedArgs, config: Config) => {
    await serve(config);
    return -1;
  },
};

/** `deskwire serve`: start, print where and how to sign in, stop cleanly on SIGINT/SIGTERM. */
export async function serve(config: Config): Promise<App> {
  await assertPortFree(config.host, config.port);
  const [{ startApp }, { dirLockOf }, { PgliteWorkerDb }] = await Promise.all([import('../app.js'), import('../store/open-pglite.js'), import('../store/pglite-worker-db.js')]);
  let app: App;
  try {
    app = await startApp(config);
  } catch (error) {
    // Taken between the check and the listen: the same one line.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(config.host, config.port);
    throw error;
  }
  // SIGTERM (a deploy, an orchestrator) drains gradually; Ctrl-C at a terminal stops at once. A signal can arrive
  // twice (a terminal's Ctrl-C reaches npm and the server, and npm forwards its own): the first one decides. Set
  // before the banner: a supervisor may signal the moment it reads it.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const drainMs = signal === 'SIGTERM' ? config.drainSeconds * 1000 : 0;
    app.logger.info({ signal, drainMs }, 'shutting down');
    app.close({ drainMs }).then(
      () => {
        app.logger.info({ signal }, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (app.db instanceof PgliteWorkerDb) {
    const db = app.db;
    db.onStopped((error) => exitOnStoreLoss(app, error, () => (stopping = true)));
    // Tests only: SIGUSR2 makes the store's worker throw, as a fault in it would (NODE_ENV=test).
    if (config.nodeEnv === 'test') process.on('SIGUSR2', () => void db.failWorkerForTest('throw'));
  }
  const dirLock = dirLockOf(app.db);
  if (dirLock) {
    serveControl(dirLock, { token: (email, ttl) => issueToken(app.db, app.tokens, email, ttl) }, { production: config.nodeEnv === 'production' });
  }
  try {
    process.stdout.write(await banner(app, config));
  } catch (error) {
    // Stopped while the banner was being read from the store: the stop decides the exit.
    if (!stopping) throw error;
  }
  return app;
}

/** How long a node whose store worker stopped closes its connections before it exits regardless. */
const STORE_LOSS_CLOSE_MS = 5000;

/**
 * The embedded store's worker thread stopped: every store call already fails (503, /readyz not ready). The node
 * says so in one line, sends its Realtime clients away (1001: resume elsewhere or after a restart), and exits 1 so
 * that its supervisor restarts it; bounded, so a close that cannot finish does not keep a storeless node running.
 */
function exitOnStoreLoss(app: App, error: Error, markStopping: () => void): void {
  markStopping();
  app.logger.fatal({ err: error.cause ?? error }, `${error.message}; exiting`);
  const deadline = new Promise((resolve) => setTimeout(resolve, STORE_LOSS_CLOSE_MS).unref());
  void Promise.race([app.close().catch(() => {}), deadline]).finally(() => process.exit(1));
}

/** Where the server listens and how to sign in (with the demo project's details when there is one). */
async function banner(app: App, config: Config): Promise<string> {
  const { DASHBOARD_DIST } = await import('../http/dashboard-routes.js');
  const store = app.db.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir ?? 'memory'}`;
  const lines = [`deskwire listening on ${app.url}`, `  store: ${store}; bus: ${config.redisUrl ? 'Redis (REDIS_URL)' : 'in-process'}`, `  Realtime API: ${app.url.replace('http', 'ws')}${config.wsPaths[0]}`];
  lines.push(`  dashboard: ${app.url}/dashboard/${existsSync(DASHBOARD_DIST) ? '' : ' (not built: run npm run build:dashboard)'}`);
  if (app.tls === null && !config.trustProxy) lines.push('  plain ws:// and http:// on loopback only (development)');
  const demo = app.demo ?? (config.demoData ? ((await readDemoCredentials(app.db)) ?? legacyDemoCredentials(config.dataDir)) : null);
  if (demo) {
    const owner = await findUserByEmail(app.db, demo.accounts[0]!.email);
    lines.push('', `Demo project ${demo.projectId}: every account's password is ${demo.password}`);
    for (const a of demo.accounts) lines.push(`  ${a.role.padEnd(10)} ${a.email}`);
    lines.push(`  sign in: curl -s ${app.url}/auth/signin -H 'content-type: application/json' -d '{"email":"${demo.accounts[0]!.email}","password":"${demo.password}"}'`);
    if (owner) {
      const { token } = await app.services.auth.tokenFor(toUser(owner));
      lines.push(`  a ready owner token: ${token}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Data directories seeded before the sign-in details moved into the store kept them in a file beside the data. */
function legacyDemoCredentials(dataDir: string | null): DemoData | null {
  const file = dataDir === null ? null : join(dataDir, 'demo-credentials.json');
  return file !== null && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoData) : null;
}
