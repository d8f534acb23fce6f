/**
 * Starting and always stopping child processes. Every child is tracked; they are all killed (by pid) when the
 * orchestrator exits for any reason, including the global deadline. Each child runs through `sh` first to raise
 * its soft file-descriptor limit to the hard one (Node cannot call setrlimit), then `exec`s node with tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RpcClient } from './rpc.js';

const live = new Set<ChildProcess>();

export interface Child {
  process: ChildProcess;
  rpc: RpcClient;
  name: string;
  /** The line the child announced itself with on stdout, parsed as JSON (servers announce their port this way). */
  announce<T>(timeoutMs?: number): Promise<T>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function benchPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

export function startChild(name: string, script: string, args: string[] = [], opts: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Child {
  const node = [process.execPath, ...(opts.nodeArgs ?? []), '--import', 'tsx', benchPath(script), ...args];
  const child = spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', ...node], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ...opts.env },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const lines = createInterface({ input: child.stdout! });
  // The announce line is the first that is a JSON object with a `kind`; anything else on stdout is passed through.
  const firstLine = new Promise<string>((resolve) => {
    lines.on('line', (line) => {
      if (line.startsWith('{"kind":')) resolve(line);
      else process.stderr.write(`[${name}] ${line}\n`);
    });
  });
  return {
    process: child,
    name,
    rpc: new RpcClient(child, name),
    async announce<T>(timeoutMs = 120_000): Promise<T> {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not announce itself within ${timeoutMs} ms`)), timeoutMs);
      });
      const died = once(child, 'exit').then(([code]) => {
        throw new Error(`${name} exited (${String(code)}) before announcing itself`);
      });
      try {
        return JSON.parse(await Promise.race([firstLine, deadline, died])) as T;
      } finally {
        clearTimeout(timer);
      }
    },
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** Kill every child whatever ends this process; exit with `code` when the deadline passes. */
export function guardChildren(deadlineMs: number, onDeadline: () => void = () => {}): void {
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllChildren();
      process.exit(130);
    });
  }
  const timer = setTimeout(() => {
    console.error(`bench: global deadline of ${Math.round(deadlineMs / 1000)} s reached; stopping every child`);
    killAllChildren();
    onDeadline();
    process.exit(3);
  }, deadlineMs);
  timer.unref();
}
