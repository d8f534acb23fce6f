import type { ConnectionState } from '../../src/client/index.js';

/**
 * The Realtime connection's state and how many times it came back. The count is what a supervisor needs to tell a
 * flaky network from a quiet desk: the SDK resumes without losing events, so the page itself shows nothing else.
 */
export class ConnectionIndicator {
  private reconnects = 0;
  private everOpen = false;

  constructor(private readonly el: HTMLElement) {
    this.show('connecting', 'connecting…');
  }

  update(s: ConnectionState): void {
    if (s.state === 'open') {
      if (this.everOpen) this.reconnects += 1;
      this.everOpen = true;
      this.show('open', 'live');
    } else if (s.state === 'connecting') {
      this.show('connecting', s.attempt === 0 ? 'connecting…' : `connecting (attempt ${s.attempt + 1})…`);
    } else if (s.state === 'reconnecting') {
      this.show('reconnecting', `reconnecting in ${Math.ceil(s.delayMs / 1000)} s`);
    } else {
      this.show('closed', s.error.code === 'CLIENT_CLOSED' ? 'disconnected' : `disconnected: ${s.error.message}`);
    }
  }

  private show(state: string, text: string): void {
    this.el.dataset.state = state;
    this.el.dataset.reconnects = String(this.reconnects);
    this.el.textContent = `${text} · ${this.reconnects} reconnect${this.reconnects === 1 ? '' : 's'}`;
  }
}
