/**
 * A visitor: arrives, chooses a department, opens a conversation with a first message and writes again now and then;
 * leaves (closes the request) when no agent has taken it up within their patience; rates the conversation when an
 * agent closes it.
 */
import { ApiError } from './api-client.js';
import type { Conversation, SimulationContext } from './simulate-context.js';
import { chooseDepartment } from './simulate-load.js';
import { exponential, pick, type Random } from './simulate-random.js';

const openers = [
  'Hello, I need help with my order',
  'Hi! My invoice looks wrong',
  'I cannot sign in to my account',
  'Is the premium plan available for teams?',
  'My package has not arrived yet',
  'How do I change my delivery address?',
];
const followUps = ['Are you there?', 'Thanks, one more thing…', 'It still does not work', 'Here is my order number: 10442', 'OK, let me try that', 'Great, that helped'];

/** Most visitors rate; those who waited long rate lower. */
const RATING_SHARE = 0.7;

export function visitorArrives(ctx: SimulationContext, index: number): void {
  ctx.act(async () => {
    const { identity, returning } = await ctx.visitors.obtain(`Visitor ${index}`);
    ctx.stats.visitors += 1;
    if (returning) ctx.stats.returningVisitors += 1;
    const requestId = `support-group-${ctx.projectId}-sim${Math.floor(ctx.random() * 2 ** 48).toString(16)}${index}`;
    const department = chooseDepartment(ctx.departments, ctx.random);
    const conversation: Conversation = { requestId, visitor: identity, arrivedAt: Date.now(), taken: false, closed: false, left: false };
    // Known before the first message: the end of the run closes it even if that call is cut short.
    ctx.conversations.set(requestId, conversation);
    identity.open += 1;
    // The first message creates the request and routes it (pooled: it waits for an agent; assigned: someone has it).
    try {
      await identity.api.post(`/${ctx.projectId}/requests/${requestId}/messages`, {
        text: pick(openers, ctx.random),
        ...(department ? { departmentid: department.id } : {}),
      });
    } catch (error) {
      conversation.closed = true;
      identity.open -= 1;
      throw error;
    }
    ctx.stats.requests += 1;
    ctx.stats.visitorMessages += 1;
    ctx.later(exponential(ctx.timing.patienceMs, ctx.random), () => {
      if (!conversation.taken && !conversation.closed) abandon(ctx, conversation);
    });
    const writeAgain = () =>
      ctx.later(exponential(ctx.timing.visitorMessageEveryMs, ctx.random), () => {
        if (conversation.closed) return;
        ctx.act(async () => {
          await identity.api.post(`/${ctx.projectId}/requests/${requestId}/messages`, { text: pick(followUps, ctx.random) });
          ctx.stats.visitorMessages += 1;
        });
        writeAgain();
      });
    writeAgain();
  });
}

/** Out of patience: the visitor leaves, closing the request nobody took. */
function abandon(ctx: SimulationContext, conversation: Conversation): void {
  // Marked first: no agent of the run takes it up or writes to it from now on.
  conversation.closed = conversation.left = true;
  conversation.visitor.open -= 1;
  ctx.act(async () => {
    await conversation.visitor.api.put(`/${ctx.projectId}/requests/${conversation.requestId}/close`);
    ctx.stats.abandoned += 1;
  });
}

/** An agent closed the conversation: the visitor is done, and most rate it. */
export function conversationClosedByAgent(ctx: SimulationContext, conversation: Conversation, waitedMs: number): void {
  conversation.visitor.open -= 1;
  if (ctx.stats.ratingRefused !== null || ctx.random() >= RATING_SHARE) return;
  const rating = ratingAfter(waitedMs, ctx.timing.patienceMs, ctx.random);
  ctx.act(async () => {
    if (ctx.stats.ratingRefused !== null) return;
    try {
      await conversation.visitor.api.patch(`/${ctx.projectId}/requests/${conversation.requestId}`, { rating });
    } catch (error) {
      // A server without ratings refuses the field: stop asking, and say so in the summary.
      if (error instanceof ApiError && (error.status === 400 || error.status === 403)) {
        ctx.stats.ratingRefused ??= `${error.status} ${error.code}`;
        return;
      }
      throw error;
    }
    ctx.stats.ratings.push(rating);
  });
}

/** 1–5, mostly 4 and 5; one point lower for a visitor who waited more than half their mean patience. */
export function ratingAfter(waitedMs: number, patienceMs: number, random: Random): number {
  const x = random();
  const base = x < 0.05 ? 1 : x < 0.1 ? 2 : x < 0.25 ? 3 : x < 0.6 ? 4 : 5;
  return Math.max(1, base - (waitedMs > patienceMs / 2 ? 1 : 0));
}
