/**
 * Runs an application callback so that its exception cannot leave the SDK half-way through a state change (a
 * throwing `onCreate` must not stop the other subscriptions or the resubscribe after a reconnect). The exception is
 * re-thrown on its own, as browsers do for a throwing event listener: it still shows, as an uncaught error.
 */
export function callSafely(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
