/**
 * An agent: looks at the queue, joins waiting requests up to a capacity (and takes those routed to them), replies,
 * closes each after a log-normal handle time, and takes breaks (unavailable) now and then. Like a person at the
 * dashboard, it holds a Realtime connection while it works: only a connected member can take chats (docs/metrics.md),
 * so without it routing would skip the simulated agents and the metrics would count them offline.
 */
import WebSocket from 'ws';
import { connect, type DeskwireClient } from '../client/index.js';
import { ApiError, type ApiClient } from './api-client.js';
import type { SimulationContext } from './simulate-context.js';
import { exponential, logNormal, pick } from './simulate-random.js';
import { conversationClosedByAgent } from './simulate-visitor.js';

const replies = ['Hi, I am looking into it', 'Could you give me your order number?', 'Thanks, one moment please', 'I have fixed it on our side', 'Anything else I can help with?'];

interface Handling {
  joinedAt: number;
  /** From the visitor's arrival to this agent taking it up. */
  waitedMs: number;
  closeAt: number;
  nextReplyAt: number;
}

interface QueuedRequest {
  request_id: string;
  status: number;
  createdAt: string;
  participantsAgents?: string[];
}

export class SimulatedAgent {
  private readonly handling = new Map<string, Handling>();
  private presence: DeskwireClient | null = null;
  available = true;

  constructor(
    private readonly ctx: SimulationContext,
    readonly userId: string,
    readonly api: ApiClient,
    private readonly capacity: number,
  ) {}

  start(): void {
    this.presence = connect({ url: this.api.baseUrl, token: this.api.token!, WebSocket });
    // The SDK reconnects by itself; a refusal is already counted by the REST calls that meet the same cause.
    this.presence.on('error', () => {});
    this.ctx.act(() => this.setAvailable(true, false));
    this.scheduleWork();
    this.scheduleBreak();
  }

  /** At the end: back to available, so a demo desk is not left with everyone on a break. */
  async finish(): Promise<void> {
    if (!this.available) await this.setAvailable(true, false).catch((error: unknown) => this.ctx.stats.failed(error));
    this.disconnect();
  }

  /** Ends the Realtime connection (the agent goes offline after the presence grace); safe to call twice. */
  disconnect(): void {
    this.presence?.close();
    this.presence = null;
  }

  private scheduleWork(): void {
    const { pollEveryMs } = this.ctx.timing;
    // One look at a time: the next is scheduled when this one is done.
    this.ctx.later(pollEveryMs * (0.75 + this.ctx.random() / 2), () =>
      this.ctx.act(async () => {
        try {
          await this.work();
        } finally {
          this.scheduleWork();
        }
      }),
    );
  }

  private scheduleBreak(): void {
    const period = this.ctx.timing.availabilityPeriodMs;
    this.ctx.later(exponential(this.available ? period : period / 4, this.ctx.random), () =>
      this.ctx.act(async () => {
        await this.setAvailable(!this.available, true);
        this.scheduleBreak();
      }),
    );
  }

  private async setAvailable(available: boolean, counted: boolean): Promise<void> {
    await this.api.put(`/${this.ctx.projectId}/project_users`, { user_available: available });
    if (available !== this.available) this.ctx.stats.available += available ? 1 : -1;
    this.available = available;
    if (counted) this.ctx.stats.availabilityToggles += 1;
  }

  private async work(): Promise<void> {
    const now = Date.now();
    for (const [requestId, h] of this.handling) {
      // The visitor left (or the run is closing it): nothing more to do for them.
      if (this.ctx.conversations.get(requestId)?.left) this.handling.delete(requestId);
      else if (now >= h.closeAt) await this.close(requestId, h);
      else if (now >= h.nextReplyAt) {
        await this.api.post(`/${this.ctx.projectId}/requests/${requestId}/messages`, { text: pick(replies, this.ctx.random) });
        this.ctx.stats.agentMessages += 1;
        h.nextReplyAt = now + exponential(this.ctx.timing.agentReplyEveryMs, this.ctx.random);
      }
    }
    if (!this.available || this.handling.size >= this.capacity) return;
    const page = await this.api.get<{ requests: QueuedRequest[] }>(`/${this.ctx.projectId}/requests?status=100,200&limit=100`);
    // Routed to me already (an assigned department), then the pool's longest waiting first.
    const mine = page.requests.filter((r) => r.status === 200 && r.participantsAgents?.includes(this.userId) && !this.handling.has(r.request_id));
    const waiting = page.requests.filter((r) => r.status === 100).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const r of mine) if (this.handling.size < this.capacity) this.take(r.request_id);
    // Requests the run's visitors have left are no longer waiting for anyone.
    const next = waiting.find((r) => !this.ctx.conversations.get(r.request_id)?.left);
    if (!next || this.handling.size >= this.capacity) return;
    try {
      await this.api.post(`/${this.ctx.projectId}/requests/${next.request_id}/participants`, { member: this.userId });
    } catch (error) {
      // Another agent was quicker, or the visitor left: part of the traffic, not a failure.
      if (error instanceof ApiError && [403, 404, 409].includes(error.status)) return;
      throw error;
    }
    this.ctx.stats.joins += 1;
    this.take(next.request_id);
  }

  private take(requestId: string): void {
    const now = Date.now();
    const conversation = this.ctx.conversations.get(requestId);
    if (conversation?.left) return;
    if (conversation) conversation.taken = true;
    const t = this.ctx.timing;
    this.handling.set(requestId, {
      joinedAt: now,
      waitedMs: conversation ? now - conversation.arrivedAt : 0,
      closeAt: now + logNormal(t.handleTimeMs, 0.6, this.ctx.random),
      nextReplyAt: now + exponential(t.firstReplyMs, this.ctx.random),
    });
  }

  private async close(requestId: string, h: Handling): Promise<void> {
    this.handling.delete(requestId);
    const conversation = this.ctx.conversations.get(requestId);
    // A message the visitor had in flight can reopen a request as it closes; it is then served and closed again,
    // but the visitor was done the first time.
    const firstClose = conversation !== undefined && !conversation.closed;
    // Marked before the call: the visitor stops writing (a visitor's message would reopen it).
    if (conversation) conversation.closed = true;
    await this.api.put(`/${this.ctx.projectId}/requests/${requestId}/close`);
    this.ctx.stats.closed += 1;
    this.ctx.stats.handleTimesMs.push(Date.now() - h.joinedAt);
    if (firstClose) conversationClosedByAgent(this.ctx, conversation, h.waitedMs);
  }
}
