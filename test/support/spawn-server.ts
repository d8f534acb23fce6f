import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  /** Everything the process printed to stdout until it said where it listens. */
  banner: string;
  /** Everything printed so far (the pipes are read for the process's whole life). */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (null when a signal ended it) once the process has exited. */
  exited: Promise<number | null>;
  /** Ctrl-C in a terminal: SIGINT to the whole process group (npm, its shell and the server). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** What a supervisor does: `signal` to the started process only (not its group); resolves with the exit code. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
}

/** The environment a spawned server gets: embedded defaults, none of the test run's service URLs. */
export function embeddedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, REDIS_URL: _redis, NODE_ENV: _env, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: 'warn', ...extra };
}

/**
 * Runs a command that starts deskwire and waits until it prints its "listening on" banner (a few lines), failing
 * with everything it printed if that does not happen before the deadline.
 */
export async function spawnServer(command: string, args: string[], env: NodeJS.ProcessEnv, deadlineMs: number, options: { cwd?: string } = {}): Promise<SpawnedServer> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, cwd: options.cwd });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that missed its deadline must not outlive the test: its open pipes would keep the file running.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`no "listening on" within ${deadlineMs} ms.\nstdout:\n${out}\nstderr:\n${err}`));
    }, deadlineMs);
    child.stdout!.on('data', () => {
      const m = /deskwire listening on (\S+)/.exec(out);
      // The banner is written in one piece; wait for its end when demo details follow.
      if (m && (!out.includes('Demo project') || out.includes('ready owner token'))) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening.\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    url,
    banner: out,
    output: () => ({ stdout: out, stderr: err }),
    exited,
    async stop(signal = 'SIGINT') {
      try {
        // The group, even when the started process is gone: a child it left behind must not outlive the test.
        process.kill(-child.pid!, signal);
      } catch {
        return; // nothing left in the group
      }
      await exited;
    },
    async signal(signal) {
      if (!gone()) child.kill(signal);
      return exited;
    },
  };
}
