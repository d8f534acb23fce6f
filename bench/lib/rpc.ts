/**
 * Request/reply over the Node IPC channel between the orchestrator and its children (servers, load generators,
 * writers). Data-plane traffic never goes through here: only a few control messages per phase.
 */
import type { ChildProcess } from 'node:child_process';

export interface RpcRequest {
  rpc: number;
  type: string;
  [key: string]: unknown;
}

interface RpcReply {
  rpc: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** The parent's side: call a child and wait for its answer (or its death, or the deadline). */
export class RpcClient {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.on('message', (raw: unknown) => {
      const reply = raw as RpcReply;
      const waiter = this.pending.get(reply.rpc);
      if (!waiter) return;
      this.pending.delete(reply.rpc);
      clearTimeout(waiter.timer);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(`${name}: ${reply.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`${name} exited (${code ?? signal}) before answering`));
      }
      this.pending.clear();
    });
  }

  call<T>(type: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const rpc = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rpc);
        reject(new Error(`${this.name}: no answer to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rpc, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ rpc, type, ...args } satisfies RpcRequest);
    });
  }
}

export type Handlers = Record<string, (req: RpcRequest) => unknown>;

/** The child's side: answer the parent's calls; exit when the parent goes away (no orphans). */
export function serveRpc(handlers: Handlers, onParentGone: () => void = () => process.exit(0)): void {
  if (!process.send) throw new Error('serveRpc needs an IPC channel (start this process from bench/run.ts)');
  process.on('disconnect', onParentGone);
  process.on('message', (raw: unknown) => {
    const req = raw as RpcRequest;
    const handler = handlers[req.type];
    const reply = (r: RpcReply) => process.send?.(r);
    if (!handler) return reply({ rpc: req.rpc, ok: false, error: `unknown call ${req.type}` });
    Promise.resolve()
      .then(() => handler(req))
      .then(
        (value) => reply({ rpc: req.rpc, ok: true, value }),
        (error: unknown) => reply({ rpc: req.rpc, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
      );
  });
}
