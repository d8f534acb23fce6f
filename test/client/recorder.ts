/**
 * Records what an SDK client hands to its handlers and state listeners, and waits for a condition with a
 * deadline (re-checked on every record), failing with what did arrive. No sleeps as synchronization.
 */
import WebSocket from 'ws';
import { Waiters } from '../support/waiters.js';
import { connect, type ConnectOptions, type ConnectionState, type DeskwireClient, type EventMeta, type TopicHandlers } from '../../src/client/index.js';

export interface Recorded {
  kind: 'snapshot' | 'reset' | 'create' | 'update' | 'delete' | 'error';
  topic: string;
  seq: number | undefined;
  item?: any;
  code?: string;
}

export class Recorder {
  readonly events: Recorded[] = [];
  readonly states: ConnectionState[] = [];
  private readonly waiters = new Waiters(() => `states: ${this.states.map((s) => s.state).join(' → ')}\nevents:\n${this.describe()}`);

  /** A client on `ws`, its state changes recorded. */
  connect(options: Omit<ConnectOptions, 'WebSocket'>): DeskwireClient {
    // `ws`'s constructor fits the SDK's option as it is: no cast.
    const client = connect({ WebSocket, backoff: { initialMs: 100, maxMs: 1000 }, ...options });
    client.on('state', (s) => this.record(() => this.states.push(s)));
    return client;
  }

  /** Handlers that record every callback for `topic`. */
  handlers(topic: string): TopicHandlers {
    const live = (kind: Recorded['kind']) => (item: unknown, meta: EventMeta) => {
      if (!meta.snapshot) this.record(() => this.events.push({ kind, topic, seq: meta.seq, item }));
    };
    return {
      onSnapshot: (items, meta) => this.record(() => this.events.push({ kind: 'snapshot', topic, seq: meta.seq, item: items })),
      onReset: (items, meta) => this.record(() => this.events.push({ kind: 'reset', topic, seq: meta.seq, item: items })),
      onCreate: live('create'),
      onUpdate: live('update'),
      onDelete: live('delete'),
      onError: (error) => this.record(() => this.events.push({ kind: 'error', topic, seq: undefined, code: error.code })),
    };
  }

  /** Live events (not snapshots) of `topic`, in arrival order. */
  live(topic: string): Recorded[] {
    return this.events.filter((e) => e.topic === topic && ['create', 'update', 'delete'].includes(e.kind));
  }

  record(push: () => void): void {
    push();
    this.waiters.changed();
  }

  /** Resolves with `check()`'s first non-undefined value; re-checked on every record and on `poke()`. */
  until<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    return this.waiters.until(check, what, timeoutMs);
  }

  /** Re-checks the waiters after something outside the recorder changed (a live list, a REST answer). */
  poke(): void {
    this.waiters.changed();
  }

  describe(): string {
    return this.events
      .slice(-40)
      .map((e) => `  ${e.kind} ${e.topic} seq=${e.seq}${e.code ? ` ${e.code}` : ''}`)
      .join('\n');
  }
}

/** The sequence numbers delivered more than once to handlers (should be none). */
export function duplicateSeqs(events: Recorded[]): number[] {
  const seen = new Set<number>();
  const dup: number[] = [];
  for (const e of events) {
    if (e.seq === undefined) continue;
    if (seen.has(e.seq)) dup.push(e.seq);
    seen.add(e.seq);
  }
  return dup;
}
