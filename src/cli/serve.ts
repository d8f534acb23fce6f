import { existsSync } from 'node:fs';
import { startApp, type App } from '../app.js';
import { DASHBOARD_DIST } from '../http/dashboard-routes.js';
import type { Config } from '../config.js';
import { findUserByEmail, toUser } from '../store/users.js';
import { loadDemoCredentials, saveDemoCredentials } from './demo-credentials.js';

/** `deskwire serve`: start, print where and how to sign in, stop cleanly on SIGINT/SIGTERM. */
export async function serve(config: Config): Promise<App> {
  const app = await startApp(config);
  if (app.demo) saveDemoCredentials(config.dataDir, app.demo);
  const store = app.db.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir ?? 'memory'}`;
  const lines = [`deskwire listening on ${app.url}`, `  store: ${store}; bus: ${config.redisUrl ? 'Redis (REDIS_URL)' : 'in-process'}`, `  Realtime API: ${app.url.replace('http', 'ws')}${config.wsPaths[0]}`];
  lines.push(`  dashboard: ${app.url}/dashboard/${existsSync(DASHBOARD_DIST) ? '' : ' (not built: run npm run build:dashboard)'}`);
  if (app.tls === null && !config.trustProxy) lines.push('  plain ws:// and http:// on loopback only (development)');
  const demo = app.demo ?? (config.demoData ? loadDemoCredentials(config.dataDir) : null);
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
  process.stdout.write(`${lines.join('\n')}\n`);

  // SIGTERM (a deploy, an orchestrator) drains gradually; Ctrl-C at a terminal stops at once.
  const stop = (signal: string) => {
    const drainMs = signal === 'SIGTERM' ? config.drainSeconds * 1000 : 0;
    app.logger.info({ signal, drainMs }, 'shutting down');
    app.close({ drainMs }).then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return app;
}
