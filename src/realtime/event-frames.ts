import type { ProjectUser } from '../domain/project.js';
import type { ProjectEvent } from '../events/event.js';
import { encodeServerFrame } from '../protocol/codec.js';
import { publicView } from '../services/project-users-service.js';
import { tombstone, type Delivery } from './topic-rules.js';

/**
 * The encoded `publish` frames of one event, built lazily and shared: each distinct (topic, method, body) is
 * serialized once however many subscribers receive it. The buffers are written to every socket as they are.
 */
export class EventFrames {
  private readonly frames = new Map<string, Buffer>();

  constructor(readonly event: ProjectEvent) {}

  get(topic: string, d: Delivery): Buffer {
    const key = `${d.method} ${d.body} ${topic}`;
    let frame = this.frames.get(key);
    if (frame === undefined) {
      const e = this.event;
      const message = d.body === 'full' ? e.data : d.body === 'public' ? publicView(e.data as unknown as ProjectUser) : tombstone(e);
      frame = Buffer.from(encodeServerFrame({ action: 'publish', payload: { topic, method: d.method, message, seq: e.seq, epoch: e.epoch } }));
      this.frames.set(key, frame);
    }
    return frame;
  }
}
