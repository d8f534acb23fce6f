import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, flagFor, loadConfig, variables } from '../../src/config.js';

// Every call passes an explicit empty environment so the machine's own variables (CI sets DATABASE_URL) never leak in.
const load = (env: Record<string, string> = {}) => loadConfig({}, env);
const SECRET = 'x'.repeat(32);

/** The ConfigError a bad environment throws, so a test can read every problem it lists. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

test('an empty environment gives the documented defaults', () => {
  const config = load();
  assert.equal(config.nodeEnv, 'development');
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.dataDir, './data');
  assert.equal(config.databaseUrl, null);
  assert.equal(config.redisUrl, null);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.jwtSecret, null);
  assert.equal(config.jwtAlgorithm, 'HS256');
  assert.equal(config.jwtPrivateKeyFile, null);
  assert.equal(config.jwtPublicKeyFile, null);
  assert.equal(config.jwtIssuer, null);
  assert.equal(config.jwtAudience, null);
  assert.equal(config.tokenTtlSeconds, 86_400);
  assert.equal(config.demoData, true);
  assert.equal(config.httpBodyMaxBytes, 65_536);
  assert.deepEqual(config.wsPaths, ['/v2/ws/', '/v2/ws', '/']);
  assert.equal(config.wsHistoryRequestsLimit, 100);
  assert.equal(config.wsHistoryMessagesLimit, 300);
  assert.equal(config.wsHeartbeatIntervalMs, 30_000);
  assert.equal(config.wsInboundFrameMaxBytes, 16_384);
  assert.equal(config.wsOutboundBufferMaxBytes, 4 * 1024 * 1024);
  assert.equal(config.wsSubscriptionsMax, 100);
  assert.equal(config.eventRetentionMs, 24 * 3_600_000);
  assert.equal(config.eventPruneIntervalMs, 10 * 60_000);
});

test('an empty value counts as unset and takes the default', () => {
  assert.equal(load({ PORT: '', LOG_LEVEL: '' }).port, 3000);
  assert.equal(load({ PORT: '', LOG_LEVEL: '' }).logLevel, 'info');
});

test('values from the environment are parsed and typed', () => {
  const config = load({
    NODE_ENV: 'test',
    PORT: '8080',
    HOST: '::1',
    DATABASE_URL: 'postgres://u@db:5432/deskwire',
    REDIS_URL: 'rediss://cache:6380',
    LOG_LEVEL: 'debug',
    JWT_SECRET: SECRET,
    WS_PATHS: ' /a/ , /b ',
    WS_HISTORY_REQUESTS_LIMIT: '7',
    DEMO_DATA: 'no',
  });
  assert.equal(config.port, 8080);
  assert.equal(config.host, '::1');
  assert.equal(config.databaseUrl, 'postgres://u@db:5432/deskwire');
  assert.equal(config.redisUrl, 'rediss://cache:6380');
  assert.equal(config.jwtSecret, SECRET);
  assert.deepEqual(config.wsPaths, ['/a/', '/b']);
  assert.equal(config.wsHistoryRequestsLimit, 7);
  assert.equal(config.demoData, false);
});

test('overrides (the serve flags) win over the environment', () => {
  assert.equal(loadConfig({ PORT: '4000' }, { PORT: '5000' }).port, 4000);
});

test('the config is frozen', () => {
  const config = load();
  assert.ok(Object.isFrozen(config));
  assert.throws(() => {
    (config as { port: number }).port = 1;
  }, TypeError);
});

test('every problem is reported at once, each naming its variable', () => {
  const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'loud', JWT_SECRET: 'short', WS_PATHS: 'no-slash', EVENT_RETENTION: '1w' });
  assert.equal(problems.length, 5, problems.join('\n'));
  for (const name of ['PORT', 'LOG_LEVEL', 'JWT_SECRET', 'WS_PATHS', 'EVENT_RETENTION']) {
    assert.ok(problems.some((p) => p.includes(name)), `no problem names ${name}:\n${problems.join('\n')}`);
  }
});

test('the ConfigError message lists every problem for the operator', () => {
  assert.throws(() => load({ PORT: '70000', HOST: 'example.com' }), (error) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /PORT must be an integer from 0 to 65535, got "70000"/);
    assert.match(error.message, /HOST must be an IP address or localhost, got "example.com"/);
    return true;
  });
});

test('integers are bounded and must be plain digits', () => {
  for (const bad of ['-1', '65536', '3000.5', '1e3', ' 3000', '0x10']) {
    assert.ok(problemsOf({ PORT: bad }).some((p) => p.startsWith('PORT ')), bad);
  }
  assert.ok(problemsOf({ TOKEN_TTL_SECONDS: '59' }).some((p) => p.startsWith('TOKEN_TTL_SECONDS ')));
  assert.ok(problemsOf({ WS_HISTORY_MESSAGES_LIMIT: '0' }).some((p) => p.startsWith('WS_HISTORY_MESSAGES_LIMIT ')));
  assert.equal(load({ PORT: '0' }).port, 0, 'port 0 asks the OS for a free port (tests use it)');
});

test('booleans accept true/false, 1/0, yes/no and nothing else', () => {
  for (const yes of ['true', 'TRUE', '1', 'yes']) assert.equal(load({ DEMO_DATA: yes }).demoData, true, yes);
  for (const no of ['false', '0', 'no']) assert.equal(load({ DEMO_DATA: no }).demoData, false, no);
  assert.ok(problemsOf({ DEMO_DATA: 'maybe' }).some((p) => p.startsWith('DEMO_DATA ')));
});

test('URLs must be valid and use the right scheme', () => {
  assert.ok(problemsOf({ DATABASE_URL: 'mysql://db/x' }).some((p) => p.startsWith('DATABASE_URL ')));
  assert.ok(problemsOf({ DATABASE_URL: 'not a url' }).some((p) => p.startsWith('DATABASE_URL ')));
  assert.ok(problemsOf({ REDIS_URL: 'http://cache' }).some((p) => p.startsWith('REDIS_URL ')));
  assert.equal(load({ DATABASE_URL: 'postgresql://db/x' }).databaseUrl, 'postgresql://db/x');
});

test('durations under one second are refused: zero would prune in a tight loop or drop all history', () => {
  assert.throws(() => load({ EVENT_RETENTION: '0s', EVENT_PRUNE_INTERVAL: '999ms' }), (error: ConfigError) => {
    assert.equal(error.problems.length, 2, error.message);
    assert.match(error.message, /EVENT_RETENTION must be at least 1s/);
    assert.match(error.message, /EVENT_PRUNE_INTERVAL must be at least 1s/);
    return true;
  });
});

test('durations parse with ms, s, m, h and d suffixes', () => {
  const cases: [string, number][] = [
    ['1500ms', 1500],
    ['90s', 90_000],
    ['10m', 600_000],
    ['24h', 86_400_000],
    ['7d', 7 * 86_400_000],
  ];
  for (const [text, ms] of cases) {
    assert.equal(load({ EVENT_RETENTION: text }).eventRetentionMs, ms, text);
    assert.equal(load({ EVENT_PRUNE_INTERVAL: text }).eventPruneIntervalMs, ms, text);
  }
});

test('durations without a unit or with an unknown one are refused', () => {
  for (const bad of ['24', '1w', '1.5h', '-1h', 'h', '1 h', '1H']) {
    assert.ok(problemsOf({ EVENT_RETENTION: bad }).some((p) => p.startsWith('EVENT_RETENTION ')), bad);
  }
});

test('DATA_DIR=:memory: keeps nothing on disk (dataDir null)', () => {
  assert.equal(load({ DATA_DIR: ':memory:' }).dataDir, null);
  assert.equal(load({ DATA_DIR: '/var/lib/deskwire' }).dataDir, '/var/lib/deskwire');
});

test('production without JWT_SECRET fails and says how to fix it', () => {
  const problems = problemsOf({ NODE_ENV: 'production' });
  const problem = problems.find((p) => p.includes('JWT_SECRET'));
  assert.ok(problem, problems.join('\n'));
  assert.match(problem, /required in production/);
  // The two ways out: a secret, or an asymmetric algorithm with key files.
  assert.match(problem, /JWT_ALGORITHM=RS256\/ES256/);
  assert.match(problem, /key files/);
});

test('production with a secret starts, and never creates demo data', () => {
  const config = load({ NODE_ENV: 'production', JWT_SECRET: SECRET, DEMO_DATA: 'true' });
  assert.equal(config.nodeEnv, 'production');
  assert.equal(config.demoData, false);
});

test('production refuses an in-memory store', () => {
  const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: SECRET, DATA_DIR: ':memory:' });
  assert.ok(problems.some((p) => p.includes('DATA_DIR') && p.includes('DATABASE_URL')), problems.join('\n'));
  // With PostgreSQL the embedded data directory is not needed.
  assert.equal(load({ NODE_ENV: 'production', JWT_SECRET: SECRET, DATA_DIR: ':memory:', DATABASE_URL: 'postgres://db/x' }).dataDir, null);
});

test('several nodes (REDIS_URL) without a signing key are refused in every mode, and told to set one on every node', () => {
  for (const mode of ['development', 'test']) {
    const problems = problemsOf({ NODE_ENV: mode, REDIS_URL: 'redis://cache:6379' });
    const problem = problems.find((p) => p.startsWith('REDIS_URL is set'));
    assert.ok(problem, `${mode}: ${problems.join('\n')}`);
    assert.match(problem, /set the same JWT_SECRET on every node/);
    assert.match(problem, /RS256\/ES256/);
  }
  // Production says it once, in its own words.
  assert.deepEqual(problemsOf({ NODE_ENV: 'production', REDIS_URL: 'redis://cache:6379' }).filter((p) => p.includes('JWT_SECRET')).length, 1);
  // Any configured key is enough: a secret, or key files.
  assert.equal(load({ REDIS_URL: 'redis://cache:6379', JWT_SECRET: SECRET }).redisUrl, 'redis://cache:6379');
  assert.equal(load({ REDIS_URL: 'redis://cache:6379', JWT_ALGORITHM: 'ES256', JWT_PUBLIC_KEY_FILE: '/k.pem' }).jwtAlgorithm, 'ES256');
  // One node without Redis keeps the generated development secret.
  assert.equal(load({ DATABASE_URL: 'postgres://db/x' }).jwtSecret, null);
});

test('DATA_DIR_WAIT is a boolean, off by default', () => {
  assert.equal(load().dataDirWait, false);
  assert.equal(load({ DATA_DIR_WAIT: 'true' }).dataDirWait, true);
  assert.ok(problemsOf({ DATA_DIR_WAIT: 'forever' }).some((p) => p.startsWith('DATA_DIR_WAIT ')));
});

test('TEST_PAUSE_AT names a start point, and is refused in production', () => {
  assert.equal(load().testPauseAt, null);
  assert.equal(load({ TEST_PAUSE_AT: 'mid-seed' }).testPauseAt, 'mid-seed');
  assert.ok(problemsOf({ TEST_PAUSE_AT: 'somewhere' }).some((p) => p.startsWith('TEST_PAUSE_AT must be one of after-migrations, mid-seed, after-seed')));
  assert.ok(problemsOf({ NODE_ENV: 'production', JWT_SECRET: SECRET, TEST_PAUSE_AT: 'mid-seed' }).some((p) => p.includes('refused in production')));
});

test('a short JWT_SECRET is refused in every mode', () => {
  for (const mode of ['development', 'test', 'production']) {
    assert.ok(problemsOf({ NODE_ENV: mode, JWT_SECRET: 'x'.repeat(31) }).some((p) => p.includes('at least 32')), mode);
  }
});

test('RS256/ES256 need a public key file', () => {
  for (const alg of ['RS256', 'ES256']) {
    assert.ok(problemsOf({ JWT_ALGORITHM: alg }).some((p) => p.includes('JWT_PUBLIC_KEY_FILE')), alg);
    assert.equal(load({ JWT_ALGORITHM: alg, JWT_PUBLIC_KEY_FILE: '/k.pem' }).jwtPublicKeyFile, '/k.pem');
  }
  assert.ok(problemsOf({ JWT_ALGORITHM: 'none' }).some((p) => p.startsWith('JWT_ALGORITHM ')));
});

test('every declared variable maps to a kebab-case serve flag', () => {
  assert.equal(flagFor('PORT'), '--port');
  assert.equal(flagFor('WS_HISTORY_REQUESTS_LIMIT'), '--ws-history-requests-limit');
  const flags = variables.map((v) => flagFor(v.name));
  assert.equal(new Set(flags).size, flags.length, 'two variables share a flag');
  for (const flag of flags) assert.match(flag, /^--[a-z0-9]+(-[a-z0-9]+)*$/);
});
