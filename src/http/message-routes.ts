import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MessageStatus, messageTypes } from '../domain/message.js';
import { authedWith, id, paging, requestParams, type RouteDeps } from './route-kit.js';

const postBody = z
  .object({
    text: z.string().max(8192),
    type: z.enum(messageTypes).optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).nullable().optional(),
    departmentid: id.optional(),
    subject: z.string().max(500).optional(),
    channel: z.string().max(50).optional(),
  })
  // Tiledesk clients send sender/senderFullname/recipient too: accepted and ignored, the sender is the caller.
  .passthrough()
  // A blank message would open or reopen a conversation with nothing in it; an attachment may come without words.
  .refine((m) => m.text.trim() !== '' || hasAttachment(m), {
    path: ['text'],
    message: 'must not be empty or only whitespace, unless the message is an image or file with metadata.src',
  });
/** Tiledesk's attachments: an image or file message whose `metadata.src` says where the content is. */
function hasAttachment(m: { type?: string | undefined; metadata?: Record<string, unknown> | null | undefined }): boolean {
  const src = m.metadata?.src;
  return (m.type === 'image' || m.type === 'file') && typeof src === 'string' && src.trim() !== '';
}
const statusBody = z.object({ status: z.union(Object.values(MessageStatus).map((s) => z.literal(s))) });
const messageParams = z.object({ pid: id, rid: id, mid: id });

export function messageRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { messages } = deps.services;
  app.get(
    '/:pid/requests/:rid/messages',
    authedWith(deps, requestParams, async (actor, { pid, rid }, request) => messages.list(actor, pid, rid, paging(300, 1000).parse(request.query))),
  );
  app.post(
    '/:pid/requests/:rid/messages',
    authedWith(deps, requestParams, async (actor, { pid, rid }, request, reply) => {
      const body = postBody.parse(request.body);
      return reply.code(201).send(
        await messages.post(actor, pid, rid, {
          text: body.text,
          type: body.type,
          attributes: body.attributes,
          metadata: body.metadata,
          departmentid: body.departmentid,
          subject: body.subject,
          channel: body.channel,
        }),
      );
    }),
  );
  app.patch(
    '/:pid/requests/:rid/messages/:mid',
    authedWith(deps, messageParams, async (actor, { pid, rid, mid }, request) => messages.updateStatus(actor, pid, rid, mid, statusBody.parse(request.body).status)),
  );
}
