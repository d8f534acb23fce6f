import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  /** Everything the process printed to stdout until it said where it listens. */
  banner: string;
  /** Ctrl-C in a terminal: SIGINT to the whole process group (npm, its shell and the server). */
  stop(signal?: NodeJS.Signals): Promise<void>;
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
export async function spawnServer(command: string, args: string[], env: NodeJS.ProcessEnv, deadlineMs: number): Promise<SpawnedServer> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
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
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
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
  return {
    child,
    url,
    banner: out,
    async stop(signal = 'SIGINT') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(-child.pid!, signal);
      await exited;
    },
  };
}
