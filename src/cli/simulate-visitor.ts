/** A visitor: arrives, opens a conversation with a first message, and writes again now and then until it is closed. */
import { ApiError, type ApiClient } from './api-client.js';
import type { SimulationContext } from './simulate-context.js';
import { exponential, pick } from './simulate-random.js';

const openers = [
  'Hello, I need help with my order',
  'Hi! My invoice looks wrong',
  'I cannot sign in to my account',
  'Is the premium plan available for teams?',
  'My package has not arrived yet',
  'How do I change my delivery address?',
];
const followUps = ['Are you there?', 'Thanks, one more thing…', 'It still does not work', 'Here is my order number: 10442', 'OK, let me try that', 'Great, that helped'];

export function visitorArrives(ctx: SimulationContext, index: number): void {
  ctx.act(async () => {
    let visitor: ApiClient;
    try {
      const signin = await ctx.api.post<{ token: string }>('/auth/signinAnonymously', { id_project: ctx.projectId, firstname: `Visitor ${index}` });
      visitor = ctx.api.as(signin.token);
      ctx.visitors.push(visitor);
    } catch (error) {
      // Sign-ins are limited per IP, and every simulated visitor shares ours: come back as an earlier visitor.
      if (!(error instanceof ApiError && error.status === 429 && ctx.visitors.length > 0)) throw error;
      visitor = pick(ctx.visitors, ctx.random);
      ctx.stats.returningVisitors += 1;
    }
    ctx.stats.visitors += 1;
    const requestId = `support-group-${ctx.projectId}-sim${Math.floor(ctx.random() * 2 ** 48).toString(16)}${index}`;
    // The first message creates the request and routes it (pooled: it waits for an agent; assigned: someone has it).
    await visitor.post(`/${ctx.projectId}/requests/${requestId}/messages`, { text: pick(openers, ctx.random) });
    ctx.stats.requests += 1;
    ctx.stats.visitorMessages += 1;
    const conversation = { requestId, visitor, closed: false };
    ctx.conversations.set(requestId, conversation);
    const writeAgain = () =>
      ctx.later(exponential(ctx.timing.visitorMessageEveryMs, ctx.random), () => {
        if (conversation.closed) return;
        ctx.act(async () => {
          await visitor.post(`/${ctx.projectId}/requests/${requestId}/messages`, { text: pick(followUps, ctx.random) });
          ctx.stats.visitorMessages += 1;
        });
        writeAgain();
      });
    writeAgain();
  });
}
