/**
 * Coalesces reads by key: every `read` made during one turn of the event loop is answered by one `readMany` of
 * the distinct keys, when the turn ends (`setImmediate`, not a timer). A connection storm then costs one store
 * statement per turn instead of one per handshake. Nothing is cached: a read issued after a batch started goes
 * to the next batch, so it sees every change committed before it was issued.
 */
export class BatchReader<K, V> {
  private waiting = new Map<K, ((result: { value: V | undefined } | { error: unknown }) => void)[]>();
  private scheduled = false;

  constructor(
    private readonly readMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 500,
  ) {}

  /** The value of `key`, or undefined when the store has none. */
  read(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      let waiters = this.waiting.get(key);
      if (waiters === undefined) this.waiting.set(key, (waiters = []));
      waiters.push((r) => ('error' in r ? reject(r.error) : resolve(r.value)));
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.run);
      }
    });
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const batch = new Map<K, ((result: { value: V | undefined } | { error: unknown }) => void)[]>();
    for (const [key, waiters] of this.waiting) {
      if (batch.size >= this.maxBatch) break;
      batch.set(key, waiters);
    }
    for (const key of batch.keys()) this.waiting.delete(key);
    if (this.waiting.size > 0) {
      this.scheduled = true;
      setImmediate(this.run);
    }
    this.readMany([...batch.keys()]).then(
      (values) => {
        for (const [key, waiters] of batch) for (const w of waiters) w({ value: values.get(key) });
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const w of waiters) w({ error });
      },
    );
  };
}
