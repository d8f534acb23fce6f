/** What `simulate` counts, the one-line live status and the final summary. */
export class SimulationStats {
  visitors = 0;
  requests = 0;
  joins = 0;
  closed = 0;
  visitorMessages = 0;
  agentMessages = 0;
  availabilityToggles = 0;
  /** Arrivals that reused an earlier visitor because the server refused another sign-in (429). */
  returningVisitors = 0;
  /** Calls the server refused with 429: its rate limits, not failures. */
  throttled = 0;
  errors = 0;
  lastError: string | null = null;
  readonly handleTimesMs: number[] = [];
  /** Agents available now, and how many there are. */
  available = 0;
  agents = 0;
  private readonly startedAt = Date.now();

  elapsedSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  failed(error: unknown): void {
    this.errors += 1;
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  statusLine(): string {
    return [
      `${this.elapsedSeconds().toFixed(1)}s`,
      `visitors ${this.visitors}`,
      `open ${Math.max(0, this.requests - this.closed)}`,
      `joined ${this.joins}`,
      `closed ${this.closed}`,
      `messages ${this.visitorMessages + this.agentMessages}`,
      `agents ${this.available}/${this.agents} available`,
      `throttled ${this.throttled}`,
      `errors ${this.errors}`,
    ].join(' · ');
  }

  summary(): Record<string, number | string | null> {
    const handled = this.handleTimesMs;
    return {
      seconds: Number(this.elapsedSeconds().toFixed(1)),
      visitors: this.visitors,
      returningVisitors: this.returningVisitors,
      requestsOpened: this.requests,
      joins: this.joins,
      closed: this.closed,
      stillOpen: Math.max(0, this.requests - this.closed),
      visitorMessages: this.visitorMessages,
      agentMessages: this.agentMessages,
      averageHandleSeconds: handled.length ? Number((handled.reduce((a, b) => a + b, 0) / handled.length / 1000).toFixed(1)) : null,
      availabilityToggles: this.availabilityToggles,
      agents: this.agents,
      throttled: this.throttled,
      errors: this.errors,
      lastError: this.lastError,
    };
  }

  summaryText(projectName: string, ratePerMinute: number): string {
    const s = this.summary();
    const observed = (this.visitors / Math.max(this.elapsedSeconds(), 0.001)) * 60;
    return [
      `simulate: ${s.seconds} s on "${projectName}" with ${s.agents} agent${s.agents === 1 ? '' : 's'}`,
      `  visitors arrived      ${s.visitors} (asked ${ratePerMinute}/min, got ${observed.toFixed(1)}/min)${this.returningVisitors ? `, ${this.returningVisitors} as returning visitors (sign-ins limited)` : ''}`,
      `  requests              ${s.requestsOpened} opened, ${s.joins} joined by an agent, ${s.closed} closed, ${s.stillOpen} still open`,
      `  messages              ${s.visitorMessages} from visitors, ${s.agentMessages} from agents`,
      `  handle time           ${s.averageHandleSeconds === null ? 'none closed' : `${s.averageHandleSeconds} s on average`}`,
      `  availability toggles  ${s.availabilityToggles}`,
      `  refused by limits     ${s.throttled} (HTTP 429)`,
      `  errors                ${s.errors}${s.lastError ? ` (last: ${s.lastError})` : ''}`,
      '',
    ].join('\n');
  }
}
