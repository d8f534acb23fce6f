/**
 * The writer process: changes through deskwire's real write path (REST → service → one transaction with the
 * outbox → bus → gateway) at a paced rate. Each change is a PATCH of a request's subject by the project owner,
 * which commits exactly one request UPDATE event. In-flight requests are capped: when the server cannot keep up,
 * changes are skipped and counted rather than queued without bound.
 */
import { Agent, request } from 'node:http';
import { Histogram } from '../lib/histogram.js';
import { serveRpc } from '../lib/rpc.js';

export interface WriteTarget {
  projectId: string;
  requestId: string;
  token: string;
}

export interface WriteResult {
  attempted: number;
  ok: number;
  failed: number;
  skipped: number;
  /** Successful changes per target, index-aligned with the targets given. */
  okPerTarget: number[];
  /** REST round trip of each change, ms. */
  rest: Record<string, number>;
  /** The pacing window, ms. */
  durationMs: number;
  errors: string[];
}

const TICK_MS = 2;

/**
 * One PATCH on a kept-alive connection. `node:http` rather than `fetch`: the writer shares the machine's two cores
 * with the server, and `fetch` cost it about as much CPU per change as the server's whole write path.
 */
function patch(agent: Agent, url: string, token: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      agent,
      method: 'PATCH',
      headers: { authorization: `JWT ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => (res.statusCode! >= 200 && res.statusCode! < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function run(baseUrl: string, targets: WriteTarget[], rate: number, durationMs: number, maxInFlight: number): Promise<WriteResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const rest = new Histogram();
  const okPerTarget = targets.map(() => 0);
  const errors: string[] = [];
  let attempted = 0;
  let ok = 0;
  let failed = 0;
  let skipped = 0;
  let inFlight = 0;
  let k = 0;
  const pending = new Set<Promise<void>>();
  const started = performance.now();

  const change = (i: number) => {
    const t = targets[i]!;
    const sent = performance.now();
    inFlight++;
    const p = patch(agent, `${baseUrl}/${t.projectId}/requests/${t.requestId}`, t.token, JSON.stringify({ subject: `bench ${attempted}` }))
      .then(() => {
        ok++;
        okPerTarget[i]!++;
        rest.record(performance.now() - sent);
      })
      .catch((e: unknown) => {
        failed++;
        if (errors.length < 5) errors.push(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  };

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(performance.now() - started, durationMs);
      const due = Math.floor((rate * elapsed) / 1000) - attempted - skipped;
      for (let d = 0; d < due; d++) {
        if (inFlight >= maxInFlight) skipped++;
        else {
          attempted++;
          change(k++ % targets.length);
        }
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  // The pacing window is the duration; the tail of answers still in flight is not (it would understate the rate).
  const paced = performance.now() - started;
  await Promise.all(pending);
  agent.destroy();
  return { attempted, ok, failed, skipped, okPerTarget, rest: rest.toJSON(), durationMs: paced, errors };
}

serveRpc({
  run: (req) => run(req.baseUrl as string, req.targets as WriteTarget[], req.rate as number, req.durationMs as number, (req.maxInFlight as number) ?? 64),
});
process.stdout.write(`${JSON.stringify({ kind: 'writer', url: '', pid: process.pid })}\n`);
