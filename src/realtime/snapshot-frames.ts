import { encodeServerFrame } from '../protocol/codec.js';

/** Encoded snapshot frames by the body they carry; entries go when the body (one batch's read) is collected. */
const encoded = new WeakMap<object, Map<string, Buffer>>();

/**
 * The `publish` frame of a snapshot. Subscribers whose snapshots come from one batched read and see the same
 * body (every supervising viewer of a project's requests gets the very same list object) share one encoding: a
 * storm of 2,000 admins resubscribing serializes the list once, not 2,000 times.
 */
export function snapshotFrame(topic: string, message: unknown, seq: number, epoch: string, reset: boolean): Buffer {
  const encode = () => {
    const payload = { topic, method: 'CREATE' as const, message, seq, epoch };
    return Buffer.from(encodeServerFrame({ action: 'publish', payload: reset ? { ...payload, reset: true } : payload }));
  };
  if (typeof message !== 'object' || message === null) return encode();
  let frames = encoded.get(message);
  if (frames === undefined) encoded.set(message, (frames = new Map()));
  const key = `${topic}\n${seq}\n${epoch}\n${reset}`;
  let frame = frames.get(key);
  if (frame === undefined) frames.set(key, (frame = encode()));
  return frame;
}
