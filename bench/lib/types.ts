/** What the orchestrator, servers and load generators exchange. */
import type { SparseCounts } from './histogram.js';

export type Transport = 'ws' | 'socketio';

/** One connection a load generator opens. */
export interface ClientSpec {
  /** Without the `JWT ` prefix; null for the baselines, which do not authenticate. */
  token: string | null;
  /** Subscribed in order; the first is the measured one (lost, duplicated and latency count only there). */
  topics: string[];
  /** The visibility class: every client of a class expects the same live events. */
  cls: string;
  /** Which server node it connects to (an index into the fleet's URLs); 0 when absent. */
  node?: number;
}

/** One phase (handshakes, or subscriptions) as seen by one load generator, for the clients of one node. */
export interface NodeTally {
  ok: number;
  failed: number;
  /** Time from the start of the phase until the last of these clients finished it. */
  lastMs: number;
  times: SparseCounts;
}

/** What every bench server prints as its first stdout line. */
export interface ServerAnnounce {
  kind: string;
  url: string;
  pid: number;
}

export interface ServerStats {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Process CPU time, µs (user + system), since start. */
  cpuMicros: number;
  connections?: number;
  /** Statements and transactions the store ran since start (deskwire only). */
  store?: { queries: number; transactions: number };
}

export interface ConnectResult {
  opened: number;
  failed: number;
  errors: string[];
  durationMs: number;
  /** Handshake (connect → open) times. */
  handshake: SparseCounts;
  /** The same, per server node. */
  nodes: NodeTally[];
}

export interface SubscribeResult {
  ready: number;
  failed: number;
  errors: string[];
  durationMs: number;
  /** Subscribe → snapshot of every topic, per connection. */
  ready_ms: SparseCounts;
  /** The same, per server node. */
  nodes: NodeTally[];
}

export interface ClassTally {
  clients: number;
  /** Live events on the measured topic, counted once per seq. */
  unique: number;
  /** Frames whose seq was not above the last one seen on that connection: duplicated or out of order. */
  duplicated: number;
  /** Sum over clients of expected − unique when positive. */
  lost: number;
  /** Sum over clients of unique − expected when positive: events a client should not have seen (a visibility leak). */
  extra: number;
}

/** What a collect tallies, one load generator's or the merge of all of them. */
export interface CollectTallies {
  classes: Record<string, ClassTally>;
  /** Epoch ms of the first and last live delivery seen. */
  firstAt: number | null;
  lastAt: number | null;
  frames: number;
  bytes: number;
  errorFrames: number;
  closed: Record<string, number>;
  /** Paused (slow) clients are left out of every tally above. */
  paused: number;
}

export interface CollectResult extends CollectTallies {
  latency: SparseCounts;
  /** This generator's CPU time since the reset, µs, and the wall time it covers, ms. */
  cpuMicros: number;
  wallMs: number;
}
