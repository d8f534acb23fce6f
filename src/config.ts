/**
 * The only reader of the environment. Every variable is declared once in `variables` (documented in
 * docs/config.md, held equal by a test), parsed and checked at once at boot, then frozen.
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';

export type NodeEnv = 'development' | 'production' | 'test';
/** Where the embedded store runs (PGLITE_THREAD): its own worker thread, or the event loop's. */
export type PgliteThread = 'worker' | 'main';
export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  /** Where PGlite keeps its data and the development JWT secret lives; null keeps everything in memory. */
  dataDir: string | null;
  /** When another process holds DATA_DIR: wait for it to exit (true) or refuse at once (false). */
  dataDirWait: boolean;
  /** Where the embedded store runs: on the event loop's thread (`main`, default) or on its own worker thread. */
  pgliteThread: PgliteThread;
  databaseUrl: string | null;
  redisUrl: string | null;
  logLevel: string;
  jwtSecret: string | null;
  jwtAlgorithm: JwtAlgorithm;
  jwtPrivateKeyFile: string | null;
  jwtPublicKeyFile: string | null;
  jwtIssuer: string | null;
  jwtAudience: string | null;
  tokenTtlSeconds: number;
  demoData: boolean;
  httpBodyMaxBytes: number;
  httpBodyMaxDepth: number;
  wsPaths: string[];
  wsHistoryRequestsLimit: number;
  wsHistoryMessagesLimit: number;
  wsHeartbeatIntervalMs: number;
  wsInboundFrameMaxBytes: number;
  wsInboundFrameMaxDepth: number;
  wsOutboundBufferMaxBytes: number;
  wsSubscriptionsMax: number;
  wsConnRateUserPerMinute: number;
  wsConnRateIpPerMinute: number;
  wsConnMaxPerUser: number;
  wsConnMaxPerProject: number;
  wsFrameRatePerSecond: number;
  wsFrameBurst: number;
  wsFrameRateCloseAfterMs: number;
  wsTokenExpiryGraceMs: number;
  /** PEM certificate chain and key: when both are set the server speaks https/wss only. */
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  /** Behind a TLS-terminating proxy: require `X-Forwarded-Proto: https`, take the client IP from `X-Forwarded-For`. */
  trustProxy: boolean;
  eventRetentionMs: number;
  eventPruneIntervalMs: number;
  eventGapCheckIntervalMs: number;
  metricsPushIntervalMs: number;
  metricsRefreshIntervalMs: number;
  presenceGraceMs: number;
  drainSeconds: number;
  nodeLivenessMs: number;
  /** With REDIS_URL: the longest any call waits on Redis before the node falls back to per-node limits. */
  redisCommandTimeoutMs: number;
  /** With REDIS_URL: whether /readyz answers 503 while Redis is unreachable (default: 200, degraded). */
  readyRequiresRedis: boolean;
  userRequestsPerMinute: number;
  restReadsPerMinute: number;
  restWritesPerMinute: number;
  restAuthPerIpPerMinute: number;
  limitOverrideMaxFactor: number;
  /** Tests only: stop the start at this named point and wait to be killed (null: never). */
  testPauseAt: StartPoint | null;
}

/** Named points of a start where TEST_PAUSE_AT can stop it. */
export const startPoints = ['after-migrations', 'mid-seed', 'after-seed'] as const;
export type StartPoint = (typeof startPoints)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface VariableSpec {
  name: string;
  /** The default as an operator would write it; null when unset means "off" or "none". */
  default: string | null;
  description: string;
}

/** Every environment variable deskwire reads. Each is also a `deskwire serve` flag: PORT is --port. */
export const variables: readonly VariableSpec[] = [
  { name: 'NODE_ENV', default: 'development', description: 'development, production or test. Production refuses to start without JWT keys or secret.' },
  { name: 'PORT', default: '3000', description: 'TCP port for HTTP and the Realtime API.' },
  { name: 'HOST', default: '127.0.0.1', description: 'Address to bind.' },
  { name: 'DATA_DIR', default: './data', description: 'Directory for the embedded PGlite store and the development JWT secret. `:memory:` keeps nothing on disk.' },
  { name: 'DATA_DIR_WAIT', default: 'false', description: 'When another process holds DATA_DIR, wait until it has exited (true) instead of refusing to start (false). `--wait` on serve, migrate and token.' },
  { name: 'PGLITE_THREAD', default: 'worker', description: 'Where the embedded store runs: `worker` (its own thread, beside the event loop: the hot writes run there whole, in one message; more commits and handshakes per second) or `main` (the event loop\'s thread; docs/benchmarks.md). Ignored with DATABASE_URL.' },
  { name: 'DATABASE_URL', default: null, description: 'PostgreSQL connection string. When set, PostgreSQL is the store instead of embedded PGlite.' },
  { name: 'REDIS_URL', default: null, description: 'Redis connection string for the cluster bus and shared limits. Unset: in-process bus.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'pino level: fatal, error, warn, info, debug, trace or silent.' },
  { name: 'JWT_SECRET', default: null, description: 'HS256 secret (at least 32 characters). Development on one node generates one in DATA_DIR when unset; production and REDIS_URL (several nodes) require it.' },
  { name: 'JWT_ALGORITHM', default: 'HS256', description: 'HS256, RS256 or ES256. Only this algorithm is accepted.' },
  { name: 'JWT_PRIVATE_KEY_FILE', default: null, description: 'PEM private key (PKCS#8) used to sign tokens with RS256/ES256.' },
  { name: 'JWT_PUBLIC_KEY_FILE', default: null, description: 'PEM public key (SPKI) used to verify RS256/ES256 tokens.' },
  { name: 'JWT_ISSUER', default: null, description: 'When set, tokens carry and must carry this `iss`.' },
  { name: 'JWT_AUDIENCE', default: null, description: 'When set, tokens carry and must carry this `aud`.' },
  { name: 'TOKEN_TTL_SECONDS', default: '86400', description: 'Lifetime of tokens this server issues.' },
  { name: 'DEMO_DATA', default: 'true', description: 'Create a demo project on the first start with an empty store (never in production).' },
  { name: 'HTTP_BODY_MAX_BYTES', default: '65536', description: 'Largest accepted REST request body.' },
  { name: 'HTTP_BODY_MAX_DEPTH', default: '32', description: 'Deepest nesting of arrays and objects in a REST request body; deeper gets 400 `BODY_TOO_DEEP`.' },
  { name: 'WS_PATHS', default: '/v2/ws/,/v2/ws,/', description: 'Comma-separated Realtime API paths.' },
  { name: 'WS_HISTORY_REQUESTS_LIMIT', default: '100', description: 'Most requests in a `/P/requests` snapshot.' },
  { name: 'WS_HISTORY_MESSAGES_LIMIT', default: '300', description: 'Most messages in a `/P/requests/R/messages` snapshot (the newest).' },
  { name: 'WS_HEARTBEAT_INTERVAL_MS', default: '30000', description: 'Server ping interval; a connection silent for two intervals is terminated.' },
  { name: 'WS_INBOUND_FRAME_MAX_BYTES', default: '16384', description: 'Largest inbound frame; larger closes with 1009.' },
  { name: 'WS_INBOUND_FRAME_MAX_DEPTH', default: '16', description: 'Deepest nesting of arrays and objects in an inbound frame; deeper gets `error` `FRAME_TOO_DEEP`.' },
  { name: 'WS_OUTBOUND_BUFFER_MAX_BYTES', default: '4194304', description: 'Bytes buffered for one connection before it is closed with 4008.' },
  { name: 'WS_SUBSCRIPTIONS_MAX', default: '100', description: 'Subscriptions per connection.' },
  { name: 'WS_CONN_RATE_USER_PER_MINUTE', default: '30', description: 'New Realtime connections per user per minute; more are refused with 429 `CONN_RATE_USER`.' },
  { name: 'WS_CONN_RATE_IP_PER_MINUTE', default: '120', description: 'Realtime handshakes per client IP per minute, failed ones included; more are refused with 429 `CONN_RATE_IP`.' },
  { name: 'WS_CONN_MAX_PER_USER', default: '10', description: 'Open Realtime connections per user; more are refused with 429 `CONN_LIMIT_USER`.' },
  { name: 'WS_CONN_MAX_PER_PROJECT', default: '1000', description: 'Open Realtime connections per project (each connection counts in every project its user is an active member of); more are refused with 429 `CONN_LIMIT_PROJECT`.' },
  { name: 'WS_FRAME_RATE_PER_SECOND', default: '20', description: 'Inbound frames per connection per second (token bucket refill); over it frames are refused with `RATE_LIMITED`.' },
  { name: 'WS_FRAME_BURST', default: '50', description: 'Inbound frames a connection may send at once (token bucket size).' },
  { name: 'WS_FRAME_RATE_CLOSE_AFTER_MS', default: '10000', description: 'A connection still over the frame rate this long after its first refused frame is closed with 4029.' },
  { name: 'WS_TOKEN_EXPIRY_GRACE_MS', default: '30000', description: 'After `TOKEN_EXPIRED` is sent, time left for a `refresh` before the connection is closed with 4001.' },
  { name: 'TLS_CERT_FILE', default: null, description: 'PEM certificate (chain). With TLS_KEY_FILE: serve https and wss on PORT; both files are reloaded on change or SIGHUP.' },
  { name: 'TLS_KEY_FILE', default: null, description: 'PEM private key of TLS_CERT_FILE.' },
  { name: 'TRUST_PROXY', default: 'false', description: 'Behind a TLS-terminating proxy: require `X-Forwarded-Proto: https` (403 `TLS_REQUIRED` otherwise) and take the client IP from `X-Forwarded-For`.' },
  { name: 'EVENT_RETENTION', default: '24h', description: 'How long the event history is kept for resume (`s`, `m`, `h`, `d` suffixes).' },
  { name: 'EVENT_PRUNE_INTERVAL', default: '10m', description: 'How often expired events are pruned.' },
  { name: 'USER_REQUESTS_PER_MINUTE', default: '600', description: 'One budget per user shared by every REST call and every new Realtime connection; over it: 429 `RATE_LIMITED` (REST) or `CONN_RATE_USER` (handshake).' },
  { name: 'REST_READS_PER_MINUTE', default: '300', description: 'REST reads (GET) per user per minute, per project on project routes; a project owner may override it.' },
  { name: 'REST_WRITES_PER_MINUTE', default: '120', description: 'REST writes (POST, PUT, PATCH, DELETE) per user per minute, per project on project routes; a project owner may override it.' },
  { name: 'REST_AUTH_PER_IP_PER_MINUTE', default: '20', description: 'Sign-up and sign-in calls per client IP per minute (against credential stuffing).' },
  { name: 'LIMIT_OVERRIDE_MAX_FACTOR', default: '10', description: 'Ceiling of per-project limit overrides, as a multiple of the configured default.' },
  { name: 'NODE_LIVENESS', default: '15s', description: 'With REDIS_URL: how long after a node stops announcing itself its connections stop counting toward shared limits and presence.' },
  { name: 'REDIS_COMMAND_TIMEOUT_MS', default: '250', description: 'With REDIS_URL: the longest a request waits on Redis; past it (or at once while Redis is known to be down) the node uses its per-node limits.' },
  { name: 'READY_REQUIRES_REDIS', default: 'false', description: 'With REDIS_URL: /readyz answers 503 REDIS_UNAVAILABLE while Redis is unreachable. Default: 200 with degraded: ["redis"], so the node keeps its traffic.' },
  { name: 'DRAIN_SECONDS', default: '10', description: 'On SIGTERM, Realtime connections are closed with 1001 spread over this many seconds.' },
  { name: 'PRESENCE_GRACE', default: '30s', description: 'How long after their last Realtime connection closes an agent goes offline; a reconnect within it changes nothing.' },
  { name: 'EVENT_GAP_CHECK_INTERVAL', default: '5s', description: 'How often the Realtime hub compares followed projects with the store, bounding how late an event lost on the bus arrives.' },
  { name: 'METRICS_PUSH_INTERVAL_MS', default: '1000', description: 'Least time between two `/P/metrics` UPDATEs of one project.' },
  { name: 'TEST_PAUSE_AT', default: null, description: 'Tests only: stop a start at after-migrations, mid-seed or after-seed, print one line and wait to be killed. Refused in production.' },
  { name: 'METRICS_REFRESH_INTERVAL_MS', default: '10000', description: 'How often followed projects\' metrics are recomputed without events (waits grow, windows roll); sent only if changed.' },
];

type Env = Record<string, string | undefined>;

export function loadConfig(overrides: Env = {}, env: Env = process.env): Readonly<Config> {
  const source: Env = { ...env, ...overrides };
  const problems: string[] = [];
  const raw = (name: string): string | null => {
    const spec = variables.find((v) => v.name === name);
    if (!spec) throw new Error(`undeclared config variable ${name}`);
    const value = source[name];
    return value === undefined || value === '' ? spec.default : value;
  };
  const int = (name: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const text = raw(name) ?? '';
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
      return min;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T => {
    const value = raw(name) as T;
    if (!allowed.includes(value)) problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return value;
  };
  const bool = (name: string): boolean => {
    const value = (raw(name) ?? '').toLowerCase();
    if (!['true', 'false', '1', '0', 'yes', 'no'].includes(value)) problems.push(`${name} must be true or false, got "${value}"`);
    return ['true', '1', 'yes'].includes(value);
  };
  const duration = (name: string): number => {
    const text = raw(name) ?? '';
    const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
    if (!m) {
      problems.push(`${name} must be a duration such as 90s, 10m, 24h or 7d, got "${text}"`);
      return 0;
    }
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    const ms = Number(m[1]) * unit;
    // Zero would prune in a tight loop or drop all history at once.
    if (ms < 1000) problems.push(`${name} must be at least 1s, got "${text}"`);
    return ms;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const value = raw(name);
    if (value === null) return null;
    try {
      if (!protocols.includes(new URL(value).protocol)) problems.push(`${name} must use ${protocols.join(' or ')}`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return value;
  };

  const nodeEnv = oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test']);
  const host = raw('HOST') ?? '127.0.0.1';
  if (host !== 'localhost' && isIP(host) === 0) problems.push(`HOST must be an IP address or localhost, got "${host}"`);
  const dataDirRaw = raw('DATA_DIR');
  const jwtAlgorithm = oneOf<JwtAlgorithm>('JWT_ALGORITHM', ['HS256', 'RS256', 'ES256']);
  const jwtSecret = raw('JWT_SECRET');
  const jwtPrivateKeyFile = raw('JWT_PRIVATE_KEY_FILE');
  const jwtPublicKeyFile = raw('JWT_PUBLIC_KEY_FILE');
  if (jwtAlgorithm === 'HS256') {
    if (jwtSecret !== null && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
    if (jwtSecret === null && nodeEnv === 'production') {
      problems.push('JWT_SECRET is required in production (or set JWT_ALGORITHM=RS256/ES256 with key files)');
    } else if (jwtSecret === null && raw('REDIS_URL') !== null) {
      // Each node would generate its own development secret, and refuse every other node's tokens.
      problems.push(
        'REDIS_URL is set (several nodes) but no signing key is configured: set the same JWT_SECRET on every node ' +
          '(or JWT_ALGORITHM=RS256/ES256 with the same key files), or a token issued by one node is refused by the others',
      );
    }
  } else if (jwtPublicKeyFile === null) {
    problems.push(`JWT_PUBLIC_KEY_FILE is required with JWT_ALGORITHM=${jwtAlgorithm}`);
  }
  const wsPaths = (raw('WS_PATHS') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of wsPaths) if (!p.startsWith('/')) problems.push(`WS_PATHS entries must start with "/", got "${p}"`);
  if (wsPaths.length === 0) problems.push('WS_PATHS must name at least one path');
  const tlsCertFile = raw('TLS_CERT_FILE');
  const tlsKeyFile = raw('TLS_KEY_FILE');
  if ((tlsCertFile === null) !== (tlsKeyFile === null)) problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  for (const [name, file] of [['TLS_CERT_FILE', tlsCertFile], ['TLS_KEY_FILE', tlsKeyFile]] as const) {
    if (file !== null && !existsSync(file)) problems.push(`${name} names a file that does not exist: "${file}"`);
  }
  const trustProxy = bool('TRUST_PROXY');
  // Tokens travel on every request: in clear text they may only cross the loopback interface (PROTOCOL §7).
  if (tlsCertFile === null && !trustProxy && isIP(host) !== 0 && !isLoopback(host)) {
    problems.push(
      `HOST=${host} is not a loopback address and neither TLS nor a trusted proxy is configured, so tokens would cross the network in clear text. ` +
        'Set TLS_CERT_FILE and TLS_KEY_FILE to serve https/wss, or TRUST_PROXY=true behind a proxy that terminates TLS, or bind HOST=127.0.0.1',
    );
  }
  const logLevel = oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

  const config: Config = {
    nodeEnv,
    port: int('PORT', 0, 65535),
    host,
    dataDir: dataDirRaw === ':memory:' ? null : dataDirRaw,
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    logLevel,
    jwtSecret,
    jwtAlgorithm,
    jwtPrivateKeyFile,
    jwtPublicKeyFile,
    jwtIssuer: raw('JWT_ISSUER'),
    jwtAudience: raw('JWT_AUDIENCE'),
    tokenTtlSeconds: int('TOKEN_TTL_SECONDS', 60),
    demoData: bool('DEMO_DATA') && nodeEnv !== 'production',
    httpBodyMaxBytes: int('HTTP_BODY_MAX_BYTES', 1024, 16 * 1024 * 1024),
    // Stored JSON is served capped at STORED_JSON_MAX_DEPTH (64): an accepted body must never reach that cap.
    httpBodyMaxDepth: int('HTTP_BODY_MAX_DEPTH', 4, 64),
    wsPaths,
    wsHistoryRequestsLimit: int('WS_HISTORY_REQUESTS_LIMIT', 1, 10_000),
    wsHistoryMessagesLimit: int('WS_HISTORY_MESSAGES_LIMIT', 1, 10_000),
    wsHeartbeatIntervalMs: int('WS_HEARTBEAT_INTERVAL_MS', 100),
    wsInboundFrameMaxBytes: int('WS_INBOUND_FRAME_MAX_BYTES', 256, 16 * 1024 * 1024),
    // A valid frame needs 3 levels (`{"payload":{"message":{"text"}}}`).
    wsInboundFrameMaxDepth: int('WS_INBOUND_FRAME_MAX_DEPTH', 3, 64),
    wsOutboundBufferMaxBytes: int('WS_OUTBOUND_BUFFER_MAX_BYTES', 1024),
    wsSubscriptionsMax: int('WS_SUBSCRIPTIONS_MAX', 1, 100_000),
    wsConnRateUserPerMinute: int('WS_CONN_RATE_USER_PER_MINUTE', 1),
    wsConnRateIpPerMinute: int('WS_CONN_RATE_IP_PER_MINUTE', 1),
    wsConnMaxPerUser: int('WS_CONN_MAX_PER_USER', 1),
    wsConnMaxPerProject: int('WS_CONN_MAX_PER_PROJECT', 1),
    wsFrameRatePerSecond: int('WS_FRAME_RATE_PER_SECOND', 1),
    wsFrameBurst: int('WS_FRAME_BURST', 1),
    wsFrameRateCloseAfterMs: int('WS_FRAME_RATE_CLOSE_AFTER_MS', 0),
    wsTokenExpiryGraceMs: int('WS_TOKEN_EXPIRY_GRACE_MS', 0, 24 * 3_600_000),
    tlsCertFile,
    tlsKeyFile,
    trustProxy,
    eventRetentionMs: duration('EVENT_RETENTION'),
    eventPruneIntervalMs: duration('EVENT_PRUNE_INTERVAL'),
    eventGapCheckIntervalMs: duration('EVENT_GAP_CHECK_INTERVAL'),
    metricsPushIntervalMs: int('METRICS_PUSH_INTERVAL_MS', 100, 60_000),
    metricsRefreshIntervalMs: int('METRICS_REFRESH_INTERVAL_MS', 1000, 3_600_000),
    presenceGraceMs: duration('PRESENCE_GRACE'),
    drainSeconds: int('DRAIN_SECONDS', 0, 600),
    nodeLivenessMs: duration('NODE_LIVENESS'),
    redisCommandTimeoutMs: int('REDIS_COMMAND_TIMEOUT_MS', 10, 60_000),
    readyRequiresRedis: bool('READY_REQUIRES_REDIS'),
    userRequestsPerMinute: int('USER_REQUESTS_PER_MINUTE', 1),
    restReadsPerMinute: int('REST_READS_PER_MINUTE', 1),
    restWritesPerMinute: int('REST_WRITES_PER_MINUTE', 1),
    restAuthPerIpPerMinute: int('REST_AUTH_PER_IP_PER_MINUTE', 1),
    limitOverrideMaxFactor: int('LIMIT_OVERRIDE_MAX_FACTOR', 1, 1000),
    dataDirWait: bool('DATA_DIR_WAIT'),
    pgliteThread: oneOf<PgliteThread>('PGLITE_THREAD', ['worker', 'main']),
    testPauseAt: raw('TEST_PAUSE_AT') === null ? null : oneOf<StartPoint>('TEST_PAUSE_AT', startPoints),
  };
  if (config.testPauseAt !== null && nodeEnv === 'production') problems.push('TEST_PAUSE_AT is for tests; it is refused in production');
  if (config.dataDir === null && config.databaseUrl === null && nodeEnv === 'production') {
    problems.push('DATA_DIR=:memory: keeps nothing; production needs DATA_DIR or DATABASE_URL');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** 127.0.0.0/8, ::1 and localhost: the only binds where plain ws:// and http:// are allowed. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `WS_HISTORY_REQUESTS_LIMIT` ⇄ `--ws-history-requests-limit`. */
export const flagFor = (name: string): string => `--${name.toLowerCase().replaceAll('_', '-')}`;

/** A variable of the client commands (`tail`, `simulate`): read from the environment, overridden by its flag. */
export interface CliVariableSpec extends VariableSpec {
  flag: string;
}

/**
 * The client commands talk to a server rather than run one, so their two variables are kept apart from `variables`
 * (which are all server settings and `serve` flags). docs/config.md lists them in their own section.
 */
export const cliVariables: readonly CliVariableSpec[] = [
  { name: 'DESKWIRE_URL', default: 'http://127.0.0.1:3000', flag: '--url', description: 'The server the client commands talk to.' },
  { name: 'DESKWIRE_TOKEN', default: null, flag: '--token', description: 'The token the client commands use (`JWT …` or the bare JWT).' },
];

export interface CliEnv {
  url: string;
  token: string | null;
}

/** The client commands' settings from the environment; their flags override these. */
export function loadCliEnv(env: Env = process.env): CliEnv {
  const value = (name: string): string | null => {
    const spec = cliVariables.find((v) => v.name === name)!;
    const raw = env[name];
    return raw === undefined || raw === '' ? spec.default : raw;
  };
  return { url: value('DESKWIRE_URL')!, token: value('DESKWIRE_TOKEN') };
}
