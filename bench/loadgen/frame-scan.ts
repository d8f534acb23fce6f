/**
 * Reads the two numbers the bench needs out of an encoded `publish` frame without JSON.parse: at hundreds of
 * thousands of frames per second, parsing each ~1 KB frame would make the load generator the bottleneck.
 * Relies only on the wire shape: `seq` is the payload's last-but-one key (after `message`), and the request's own
 * `updatedAt` is the last one inside `message` (nested objects come before it).
 */
const SEQ = Buffer.from('"seq":');
const UPDATED_AT = Buffer.from('"updatedAt":"');
const SNAPSHOT = Buffer.from('"message":[');
const ERROR = Buffer.from('{"action":"error"');

export interface Scanned {
  seq: number;
  /** Epoch ms of the change (request updatedAt), NaN when absent. */
  changedAt: number;
  snapshot: boolean;
}

export function isErrorFrame(frame: Buffer): boolean {
  return frame.indexOf(ERROR) === 0;
}

/** `maybeSnapshot`: look for an array body only when a snapshot is awaited (it costs a scan of the whole frame). */
export function scanPublish(frame: Buffer, maybeSnapshot = true): Scanned | null {
  const s = frame.lastIndexOf(SEQ);
  if (s < 0) return null;
  let seq = 0;
  for (let i = s + SEQ.length; i < frame.length; i++) {
    const c = frame[i]! - 48;
    if (c < 0 || c > 9) break;
    seq = seq * 10 + c;
  }
  const snapshot = maybeSnapshot && frame.indexOf(SNAPSHOT) >= 0;
  let changedAt = Number.NaN;
  if (!snapshot) {
    const u = frame.lastIndexOf(UPDATED_AT, s);
    if (u >= 0) changedAt = Date.parse(frame.toString('latin1', u + UPDATED_AT.length, u + UPDATED_AT.length + 24));
  }
  return { seq, changedAt, snapshot };
}

/** The measured topic as it appears in a frame, to pick its frames out with one indexOf. */
export function topicNeedle(topic: string): Buffer {
  return Buffer.from(`"topic":${JSON.stringify(topic)}`);
}
