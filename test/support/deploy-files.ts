/**
 * The commands and environments that deploy/deskwire.service and deploy/Dockerfile start the server with, read from
 * the files themselves so that a test runs exactly what they say.
 */
import { readFileSync } from 'node:fs';

export interface StartSpec {
  /** argv[0] and the rest, as written. */
  command: string;
  args: string[];
  /** The environment the file sets. */
  env: Record<string, string>;
  /** Where the file runs the command (the install location; a test runs it in the checkout, which holds the same). */
  workingDirectory: string | null;
}

/** Splits a command line as systemd does for the simple cases we write: spaces, with double quotes grouping. */
function splitWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** `[Service]` keys of a systemd unit: ExecStart, Environment (KEY=VALUE, several per line), WorkingDirectory. */
export function systemdStart(path: string): StartSpec {
  const lines = readFileSync(path, 'utf8').split('\n').map((l) => l.trim());
  const values = (key: string) => lines.filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  const execStart = values('ExecStart');
  if (execStart.length !== 1) throw new Error(`${path}: expected one ExecStart=, found ${execStart.length}`);
  const [command, ...args] = splitWords(execStart[0]!);
  const env: Record<string, string> = {};
  for (const line of values('Environment')) {
    for (const assignment of splitWords(line)) {
      const eq = assignment.indexOf('=');
      env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
  }
  return { command: command!, args, env, workingDirectory: values('WorkingDirectory')[0] ?? null };
}

/** The final stage of a Dockerfile: its exec-form CMD, its ENV and its WORKDIR. */
export function dockerStart(path: string): StartSpec {
  // Continuation lines joined; comments dropped.
  const text = readFileSync(path, 'utf8').replace(/\\\n/g, ' ');
  const stages = text.split(/^FROM\s/m);
  const lines = stages[stages.length - 1]!.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const cmd = lines.filter((l) => l.startsWith('CMD '));
  if (cmd.length !== 1) throw new Error(`${path}: expected one CMD in the final stage, found ${cmd.length}`);
  const argv = JSON.parse(cmd[0]!.slice(4)) as unknown;
  if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string')) throw new Error(`${path}: CMD must be exec form (a JSON array), so the server is PID 1`);
  const env: Record<string, string> = {};
  for (const line of lines.filter((l) => l.startsWith('ENV '))) {
    for (const assignment of splitWords(line.slice(4))) {
      const eq = assignment.indexOf('=');
      env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
  }
  const workdir = lines.filter((l) => l.startsWith('WORKDIR ')).pop()?.slice(8) ?? null;
  const [command, ...args] = argv as string[];
  return { command: command!, args, env, workingDirectory: workdir };
}
