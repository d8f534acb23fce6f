import { flagFor, variables } from '../config.js';

export interface ParsedArgs {
  command: string | null;
  /** Config variables given as flags: `--port 3001` → { PORT: '3001' }. */
  configOverrides: Record<string, string>;
  /** Every other `--name value` or `--flag`. */
  options: Record<string, string | true>;
  /** Arguments that are not flags (`tail TOPIC…`); commands that take none report them. */
  positionals: string[];
  problems: string[];
}

const configFlags = new Map(variables.map((v) => [flagFor(v.name), v.name]));

/**
 * `deskwire <command> [--flag value | --flag=value | --switch | argument]…`. `switchNames` never take a value, so
 * `tail --json /P/requests` keeps the topic as an argument.
 */
export function parseArgs(argv: readonly string[], optionNames: readonly string[] = [], switchNames: readonly string[] = []): ParsedArgs {
  const [command = null, ...rest] = argv;
  const parsed: ParsedArgs = { command, configOverrides: {}, options: {}, positionals: [], problems: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '-h') {
      parsed.options.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const next = rest[i + 1];
    const takeValue = (): string | undefined => {
      if (inline !== undefined) return inline;
      if (next === undefined || next.startsWith('--')) return undefined;
      i++;
      return next;
    };
    const variable = configFlags.get(flag);
    if (switchNames.includes(flag.slice(2))) {
      parsed.options[flag.slice(2)] = true;
    } else if (variable) {
      const value = takeValue();
      if (value === undefined) parsed.problems.push(`${flag} needs a value`);
      else parsed.configOverrides[variable] = value;
    } else if (optionNames.includes(flag.slice(2))) {
      parsed.options[flag.slice(2)] = takeValue() ?? true;
    } else if (flag === '--help') {
      parsed.options.help = true;
    } else {
      parsed.problems.push(`unknown flag ${flag}`);
    }
  }
  return parsed;
}
