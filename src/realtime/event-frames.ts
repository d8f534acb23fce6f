import type { ProjectEvent } from '../events/event.js';
import { encodeServerFrame } from '../protocol/codec.js';
import { publicView } from '../domain/project-user-view.js';
import { removal, tombstone, type Delivery } from './topic-rules.js';

/**
 * The encoded `publish` frames of one event, built lazily and shared: each distinct (topic, delivery) is
 * serialized once however many subscribers receive it. The buffers are written to every socket as they are.
 * Deliveries are interned (`delivery()`), so they key the cache by identity; subscribers of one topic come one
 * after another, so the last frame is checked first and a fan-out of one topic does no lookup at all.
 */
export class EventFrames {
  /** A frame, or what encoding it threw: every subscriber of that (topic, delivery) fails alike, without retrying. */
  private readonly frames = new Map<string, Map<Delivery, Buffer | Error>>();
  private lastTopic: string | null = null;
  private lastDelivery: Delivery | null = null;
  private lastFrame: Buffer | null = null;

  constructor(readonly event: ProjectEvent) {}

  get(topic: string, d: Delivery): Buffer {
    if (topic === this.lastTopic && d === this.lastDelivery) return this.lastFrame!;
    let byDelivery = this.frames.get(topic);
    if (byDelivery === undefined) this.frames.set(topic, (byDelivery = new Map()));
    let frame = byDelivery.get(d);
    if (frame === undefined) {
      frame = this.encode(topic, d);
      byDelivery.set(d, frame);
    }
    if (frame instanceof Error) throw frame;
    this.lastTopic = topic;
    this.lastDelivery = d;
    this.lastFrame = frame;
    return frame;
  }

  private encode(topic: string, d: Delivery): Buffer | Error {
    const e = this.event;
    const message = messageOf(e, d);
    try {
      return Buffer.from(encodeServerFrame({ action: 'publish', payload: { topic, method: d.method, message, seq: e.seq, epoch: e.epoch } }));
    } catch (error) {
      // JSON.stringify throws on data nested too deep for the stack (RangeError), a BigInt, a cycle.
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}

function messageOf(e: ProjectEvent, d: Delivery): unknown {
  switch (d.body) {
    case 'full':
      return e.data;
    case 'public':
      // Only project_user deliveries are ever 'public' (topic-rules.ts decides the body).
      return e.kind === 'project_user' ? publicView(e.data) : tombstone(e);
    case 'tombstone':
      return tombstone(e);
    case 'removal':
      return removal(e);
  }
}
