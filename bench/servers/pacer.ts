/**
 * Paced synthetic changes for the baseline servers (which have no write path): `rate` changes per second spread
 * round-robin over topics, each a deskwire-shaped `publish` frame carrying the same request body deskwire sends,
 * its `updatedAt` set to the moment the change is made. What is due each tick is handed over as one batch, so a
 * server that falls behind gets bigger batches, as a real one would.
 */
export interface SyntheticEvent {
  topic: string;
  seq: number;
  payload: { topic: string; method: 'UPDATE'; message: Record<string, unknown>; seq: number; epoch: string };
}

const TICK_MS = 2;

export class TopicSeqs {
  private readonly seqs = new Map<string, number>();
  current(topic: string): number {
    return this.seqs.get(topic) ?? 0;
  }
  next(topic: string): number {
    const seq = this.current(topic) + 1;
    this.seqs.set(topic, seq);
    return seq;
  }
}

export function pace(
  opts: { topics: string[]; rate: number; durationMs: number; message: Record<string, unknown> },
  seqs: TopicSeqs,
  emit: (batch: SyntheticEvent[]) => void,
): Promise<Record<string, number>> {
  const emitted: Record<string, number> = {};
  let made = 0;
  let k = 0;
  const started = performance.now();
  return new Promise((resolve) => {
    const tick = () => {
      const elapsed = Math.min(performance.now() - started, opts.durationMs);
      const due = Math.floor((opts.rate * elapsed) / 1000) - made;
      if (due > 0) {
        const batch: SyntheticEvent[] = [];
        const updatedAt = new Date().toISOString();
        for (let i = 0; i < due; i++) {
          const topic = opts.topics[k++ % opts.topics.length]!;
          const seq = seqs.next(topic);
          // Assigning keys that exist keeps their place: `updatedAt` stays the body's last key, as in deskwire.
          const message = { ...opts.message, subject: `bench ${seq}`, updatedAt };
          batch.push({ topic, seq, payload: { topic, method: 'UPDATE', message, seq, epoch: 'baseline' } });
          emitted[topic] = (emitted[topic] ?? 0) + 1;
        }
        made += due;
        emit(batch);
      }
      if (elapsed >= opts.durationMs) {
        clearInterval(timer);
        resolve(emitted);
      }
    };
    const timer = setInterval(tick, TICK_MS);
  });
}
