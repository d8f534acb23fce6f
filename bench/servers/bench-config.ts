/**
 * The configuration a bench server runs with: the real defaults, except every per-user, per-IP and per-project
 * connection limit is raised out of the way (thousands of connections from one loopback IP and a few hundred
 * users would trip them at once). Limits added later are caught by name; the process env still wins, so a run
 * can put a limit back to measure its cost.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, variables, type Config } from '../../src/config.js';

const RAISED = '1000000000';
/** Names of connection-count and connection-rate limits (present and future: WS_CONN_*, *_PER_MINUTE, *_MAX_PER_*). */
const isConnectionLimit = (name: string) => /^WS_CONN_|_PER_MINUTE$|_MAX_PER_/.test(name);

export function benchConfig(extra: Record<string, string> = {}): Config {
  const raised: Record<string, string> = {};
  for (const v of variables) if (isConnectionLimit(v.name)) raised[v.name] = RAISED;
  const fromEnv: Record<string, string> = {};
  for (const v of variables) {
    const value = process.env[v.name];
    if (value !== undefined && value !== '') fromEnv[v.name] = value;
  }
  const overrides: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: ':memory:',
    JWT_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'false',
    ...raised,
    ...extra,
    ...fromEnv,
  };
  try {
    return loadConfig(overrides, {});
  } catch (error) {
    // A limit with an upper bound below RAISED: drop our raise for it and take its default rather than fail.
    if (!(error instanceof ConfigError)) throw error;
    for (const name of Object.keys(raised)) if (error.problems.some((p) => p.startsWith(name)) && !fromEnv[name]) delete overrides[name];
    return loadConfig(overrides, {});
  }
}
