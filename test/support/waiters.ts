/**
 * Waits on state that changes by events (a child process's output, an SDK client's callbacks) instead of polling it:
 * every wait is re-checked each time its owner says something changed, and fails after its deadline with the owner's
 * account of what did arrive.
 */
export class Waiters {
  private readonly pending = new Set<() => void>();

  /** `describe` says what has arrived so far, for the failure of a wait. */
  constructor(private readonly describe: () => string) {}

  /** Resolves with `check()`'s first value other than undefined or false; `describe` may say more for this wait. */
  until<T>(check: () => T | undefined | false, what: string, timeoutMs: number, describe: () => string = this.describe): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value === undefined || value === false) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.\n${describe()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.pending.delete(attempt);
      };
      this.pending.add(attempt);
      attempt();
    });
  }

  /** Re-checks every pending wait. */
  changed(): void {
    for (const attempt of [...this.pending]) attempt();
  }
}
