/**
 * A latency histogram with 1 ms buckets, kept sparse so load generators can ship it to the orchestrator over IPC
 * and the orchestrator can merge several. Timestamps on the wire have millisecond resolution, so finer buckets
 * would only pretend to precision.
 */
export type SparseCounts = Record<string, number>;

export class Histogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  /** Samples that came out negative (clock skew between processes); recorded as 0. */
  negative = 0;

  record(ms: number): void {
    let bucket = Math.round(ms);
    if (bucket < 0) {
      this.negative++;
      bucket = 0;
    }
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.count++;
  }

  merge(other: SparseCounts): void {
    for (const [bucket, n] of Object.entries(other)) {
      const b = Number(bucket);
      this.counts.set(b, (this.counts.get(b) ?? 0) + n);
      this.count += n;
    }
  }

  toJSON(): SparseCounts {
    return Object.fromEntries(this.counts);
  }

  /** The smallest bucket at or below which `q` of the samples fall; null without samples. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const target = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= target) return bucket;
    }
    return null;
  }

  max(): number | null {
    return this.count === 0 ? null : Math.max(...this.counts.keys());
  }

  summary(): { n: number; p50: number | null; p99: number | null; max: number | null } {
    return { n: this.count, p50: this.quantile(0.5), p99: this.quantile(0.99), max: this.max() };
  }
}
