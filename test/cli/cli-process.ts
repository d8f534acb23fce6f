/** A CLI command run as its own process: output captured, waits on it with deadlines, stopped by its process group. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Waiters } from '../support/waiters.js';

export class CliProcess {
  stdout = '';
  stderr = '';
  exitCode: number | null = null;
  private readonly waiters = new Waiters(() => `exit: ${this.exitCode}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
  readonly child: ChildProcess;
  private readonly exited: Promise<unknown>;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.exited = once(this.child, 'exit');
    this.child.stdout!.on('data', (d: Buffer) => ((this.stdout += d.toString()), this.notify()));
    this.child.stderr!.on('data', (d: Buffer) => ((this.stderr += d.toString()), this.notify()));
    this.child.on('exit', (code) => ((this.exitCode = code ?? -1), this.notify()));
  }

  /** Resolves when `check` holds; fails after the deadline with everything printed so far. */
  async until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    await this.waiters.until(check, what, timeoutMs);
  }

  exit(timeoutMs = 30_000): Promise<number> {
    return this.until(() => this.exitCode !== null, 'the process to exit', timeoutMs).then(() => this.exitCode!);
  }

  /** Ctrl-C to the whole group (npm, its shell and the command). */
  async stop(): Promise<void> {
    if (this.exitCode !== null) return;
    try {
      process.kill(-this.child.pid!, 'SIGINT');
    } catch {
      return; // already gone
    }
    await this.exited;
  }

  private notify(): void {
    this.waiters.changed();
  }
}

/** The test run's environment without anything that would point the CLI elsewhere. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DESKWIRE_URL: _u, DESKWIRE_TOKEN: _t, DATABASE_URL: _d, REDIS_URL: _r, ...rest } = process.env;
  return { ...rest, ...extra };
}
