/** What the client commands (`tail`, `simulate`) share: the server URL and token from flags or the environment. */
import { loadCliEnv } from '../config.js';
import type { ParsedArgs } from './args.js';
import { ApiError } from './api-client.js';
import { ExitCode } from './exit-codes.js';

export interface ClientCommand {
  name: string;
  /** One line for `deskwire --help`. */
  summary: string;
  /** The full text for `deskwire NAME --help`. */
  usage: string;
  optionNames: readonly string[];
  switchNames: readonly string[];
  /** Resolves with the exit code. */
  run(args: ParsedArgs, target: ServerTarget): Promise<number>;
}

export interface ServerTarget {
  url: string;
  token: string | null;
}

/** The options every client command takes, for its usage text. */
export const targetUsage = `  --url URL        the server (default DESKWIRE_URL, else http://127.0.0.1:3000)
  --token TOKEN    a token, as \`JWT …\` or bare (default DESKWIRE_TOKEN)
  -h, --help       this text`;

export const targetOptionNames = ['url', 'token'] as const;

export function serverTarget(args: ParsedArgs): ServerTarget {
  const env = loadCliEnv();
  const url = typeof args.options.url === 'string' ? args.options.url : env.url;
  const token = typeof args.options.token === 'string' ? args.options.token : env.token;
  return { url, token };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A positive number option, or a problem message. */
export function numberOption(args: ParsedArgs, name: string, fallback: number): number | string {
  const text = stringOption(args, name);
  if (text === undefined) return args.options[name] === true ? `--${name} needs a value` : fallback;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : `--${name} must be a positive number, got "${text}"`;
}

/** A command line the command cannot run: the problem, then the command's usage; exit 2. */
export function usageError(command: string, usage: string, message: string): Promise<number> {
  process.stderr.write(`deskwire ${command}: ${message}\n\n${usage}`);
  return Promise.resolve(ExitCode.USAGE);
}

/**
 * A call to the server that failed: the server's refusal (its code and message, then `more`) or why it could not be
 * reached; exit 1.
 */
export function serverFailure(command: string, target: ServerTarget, error: unknown, more = ''): number {
  if (error instanceof ApiError) process.stderr.write(`deskwire ${command}: ${error.code}: ${String(error.body.message ?? error.message)}${more}\n`);
  else process.stderr.write(`deskwire ${command}: cannot reach ${target.url}: ${(error as Error).message}\n`);
  return ExitCode.FAILED;
}
