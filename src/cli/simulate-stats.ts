/** What `simulate` counts, the one-line live status and the final summary. */
export class SimulationStats {
  visitors = 0;
  requests = 0;
  joins = 0;
  closed = 0;
  visitorMessages = 0;
  agentMessages = 0;
  availabilityToggles = 0;
  /** Arrivals that came back as an earlier visitor, to stay within the per-IP sign-in budget. */
  returningVisitors = 0;
  /** Requests whose visitor left before any agent took them up. */
  abandoned = 0;
  /** Ratings the visitors gave (1–5). */
  readonly ratings: number[] = [];
  /** Why ratings were not sent (the server refused the first), or null. */
  ratingRefused: string | null = null;
  /** Requests of the run still open at its end, closed by the run then (or left open with --keep). */
  closedAtEnd = 0;
  keptOpen = 0;
  /** Visitor identities signed in, and the sign-ins per minute they were limited to. */
  visitorSignins = 0;
  visitorSigninsPerMinute = 0;
  /** Calls the server refused with 429: its rate limits, not failures. */
  throttled = 0;
  /** The last of them (`METHOD /path: 429 CODE reason`), so a run says which limit it met. */
  lastThrottled: string | null = null;
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

  throttledBy(error: Error): void {
    this.throttled += 1;
    this.lastThrottled = error.message;
  }

  failed(error: unknown): void {
    this.errors += 1;
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  statusLine(): string {
    return [
      `${this.elapsedSeconds().toFixed(1)}s`,
      `visitors ${this.visitors}`,
      `open ${this.open()}`,
      `joined ${this.joins}`,
      `closed ${this.closed}`,
      `abandoned ${this.abandoned}`,
      `messages ${this.visitorMessages + this.agentMessages}`,
      `agents ${this.available}/${this.agents} available`,
      `throttled ${this.throttled}`,
      `errors ${this.errors}`,
    ].join(' · ');
  }

  /** Requests of the run open now (a request reopened and closed again counts once). */
  open(): number {
    return Math.max(0, this.requests - this.closed - this.abandoned - this.closedAtEnd);
  }

  averageRating(): number | null {
    return this.ratings.length ? Number((this.ratings.reduce((a, b) => a + b, 0) / this.ratings.length).toFixed(2)) : null;
  }

  summary(): Record<string, number | string | null> {
    const handled = this.handleTimesMs;
    return {
      seconds: Number(this.elapsedSeconds().toFixed(1)),
      visitors: this.visitors,
      returningVisitors: this.returningVisitors,
      visitorSignins: this.visitorSignins,
      visitorSigninsPerMinute: this.visitorSigninsPerMinute,
      requestsOpened: this.requests,
      joins: this.joins,
      closed: this.closed,
      abandoned: this.abandoned,
      closedAtEnd: this.closedAtEnd,
      keptOpen: this.keptOpen,
      stillOpen: this.open(),
      ratings: this.ratings.length,
      averageRating: this.averageRating(),
      ratingRefused: this.ratingRefused,
      visitorMessages: this.visitorMessages,
      agentMessages: this.agentMessages,
      averageHandleSeconds: handled.length ? Number((handled.reduce((a, b) => a + b, 0) / handled.length / 1000).toFixed(1)) : null,
      availabilityToggles: this.availabilityToggles,
      agents: this.agents,
      throttled: this.throttled,
      lastThrottled: this.lastThrottled,
      errors: this.errors,
      lastError: this.lastError,
    };
  }

  summaryText(projectName: string, ratePerMinute: number): string {
    const s = this.summary();
    const observed = (this.visitors / Math.max(this.elapsedSeconds(), 0.001)) * 60;
    const ending = this.keptOpen > 0 ? `${this.keptOpen} left open (--keep)` : `${this.closedAtEnd} closed at the end`;
    const ratings =
      this.ratingRefused !== null
        ? `not sent: the server refused the first (${this.ratingRefused})`
        : this.ratings.length
          ? `${this.ratings.length}, ${this.averageRating()} on average`
          : 'none';
    return [
      `simulate: ${s.seconds} s on "${projectName}" with ${s.agents} agent${s.agents === 1 ? '' : 's'}`,
      `  visitors arrived      ${s.visitors} (asked ${Number(ratePerMinute.toFixed(2))}/min, got ${observed.toFixed(1)}/min), ${this.visitorSignins} signed in (at most ${this.visitorSigninsPerMinute}/min), ${this.returningVisitors} returning`,
      `  requests              ${s.requestsOpened} opened, ${s.joins} joined by an agent, ${s.closed} closed by agents, ${s.abandoned} abandoned, ${ending}`,
      `  ratings               ${ratings}`,
      `  messages              ${s.visitorMessages} from visitors, ${s.agentMessages} from agents`,
      `  handle time           ${s.averageHandleSeconds === null ? 'none closed' : `${s.averageHandleSeconds} s on average`}`,
      `  availability toggles  ${s.availabilityToggles}`,
      `  refused by limits     ${s.throttled} (HTTP 429)${s.lastThrottled ? ` (last: ${s.lastThrottled})` : ''}`,
      `  errors                ${s.errors}${s.lastError ? ` (last: ${s.lastError})` : ''}`,
      '',
    ].join('\n');
  }
}
