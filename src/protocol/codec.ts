/**
 * The only code that touches untyped inbound input: it bounds size and nesting, parses, and validates a client
 * frame into a `ClientFrame`, or says why not with a `DeskwireError`. Shared with the SDK: no Node-only imports.
 */
import { DeskwireError, errors } from '../domain/errors.js';
import { jsonTextNestsDeeper } from '../domain/json-depth.js';
import { findUnstorable } from '../domain/storable-text.js';
import type { ClientFrame, ErrorPayload, ServerFrame } from './frames.js';

export interface DecodeLimits {
  /** Largest accepted frame in UTF-8 bytes (the transport normally enforces this first). */
  maxBytes: number;
  /** Deepest accepted nesting of arrays and objects (`WS_INBOUND_FRAME_MAX_DEPTH`); a valid frame needs 3. */
  maxDepth: number;
}

export const defaultDecodeLimits: DecodeLimits = { maxBytes: 16 * 1024, maxDepth: 16 };

/** Longest token a `refresh` may carry; real JWTs are far shorter. */
const TOKEN_MAX_CHARS = 8 * 1024;
const EPOCH_MAX_CHARS = 128;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(message: string, topic?: string): DeskwireError {
  return new DeskwireError('FRAME_INVALID', message, topic === undefined ? {} : { topic });
}

export function decodeClientFrame(text: string, limits: DecodeLimits = defaultDecodeLimits): ClientFrame | DeskwireError {
  if (exceedsUtf8Bytes(text, limits.maxBytes)) return new DeskwireError('FRAME_TOO_LARGE');
  // JSON.parse has no depth limit of its own; refuse deep nesting before building anything.
  if (jsonTextNestsDeeper(text, limits.maxDepth)) {
    return new DeskwireError('FRAME_TOO_DEEP', `The frame nests arrays and objects deeper than ${limits.maxDepth} levels.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return invalid('The frame is not valid JSON.');
  }
  if (!isObject(parsed)) return invalid('The frame must be a JSON object.');
  // No frame field may carry what the store cannot hold, wherever it would end up. A topic is the exception: its own
  // rule refuses every character outside its charset, NUL included, with TOPIC_INVALID (PROTOCOL §3).
  const { payload: rawPayload } = parsed;
  const unstorable = findUnstorable(isObject(rawPayload) && 'topic' in rawPayload ? { ...parsed, payload: { ...rawPayload, topic: null } } : parsed);
  if (unstorable !== null) return invalid(`${unstorable.path}: ${unstorable.reason}.`);
  const { action, payload } = parsed;
  if (typeof action !== 'string') return invalid('The frame has no "action" string.');
  if (payload !== undefined && payload !== null && !isObject(payload)) return invalid('"payload" must be an object.');
  const p: Json = isObject(payload) ? payload : {};
  switch (action) {
    case 'subscribe':
      return decodeSubscribe(p);
    case 'unsubscribe': {
      if (typeof p.topic !== 'string') return invalid('unsubscribe needs payload.topic as a string.');
      return { action, payload: { topic: p.topic } };
    }
    case 'heartbeat': {
      const message = p.message;
      if (message !== undefined && !isObject(message)) return invalid('heartbeat payload.message must be an object.');
      const text = message?.text;
      if (text !== undefined && typeof text !== 'string') return invalid('heartbeat payload.message.text must be a string.');
      return { action, payload: { message: { text: text ?? '' } } };
    }
    case 'me':
      return { action, payload: {} };
    case 'refresh': {
      if (typeof p.token !== 'string' || p.token.length === 0 || p.token.length > TOKEN_MAX_CHARS) {
        return invalid('refresh needs payload.token as a non-empty string.');
      }
      return { action, payload: { token: p.token } };
    }
    case 'publish':
    case 'broadcast':
      return new DeskwireError('ACTION_FORBIDDEN');
    default:
      return new DeskwireError('ACTION_UNKNOWN', `Unknown action "${action.slice(0, 32)}".`);
  }
}

function decodeSubscribe(p: Json): ClientFrame | DeskwireError {
  const { topic, since, epoch } = p;
  if (typeof topic !== 'string') return invalid('subscribe needs payload.topic as a string.');
  const frame: ClientFrame = { action: 'subscribe', payload: { topic } };
  if (since !== undefined && since !== null) {
    if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
      return invalid('subscribe payload.since must be a non-negative integer.', topic);
    }
    frame.payload.since = since;
  }
  if (epoch !== undefined && epoch !== null) {
    if (typeof epoch !== 'string' || epoch.length > EPOCH_MAX_CHARS) return invalid('subscribe payload.epoch must be a string.', topic);
    frame.payload.epoch = epoch;
  }
  return frame;
}

/** Whether `text` takes more than `maxBytes` bytes in UTF-8, counting only as far as needed. */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  // A UTF-16 unit is 1 to 3 bytes in UTF-8 (a surrogate pair, two units, is 4): most frames need no count.
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > maxBytes) return true;
  }
  return false;
}

export function encodeServerFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}

/** The payload of an `error` frame for `error`, on `topic` when the failure concerns one. */
export function errorPayload(error: DeskwireError, topic?: string): ErrorPayload {
  const payload: ErrorPayload = { code: error.code, message: error.message, retryable: errors[error.code].retryable };
  if (topic !== undefined) payload.topic = topic;
  const retryAfter = error.details.retry_after_seconds;
  if (typeof retryAfter === 'number') payload.retry_after_seconds = retryAfter;
  return payload;
}

/**
 * A server frame as the SDK receives it, or null when the text is not one (the SDK then ignores it rather than
 * fail: a newer server may add actions). Checks the shape only as far as the SDK relies on it.
 */
export function decodeServerFrame(text: string): ServerFrame | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(parsed) || typeof parsed.action !== 'string' || !isObject(parsed.payload)) return null;
  const p = parsed.payload;
  switch (parsed.action) {
    case 'publish':
      if (typeof p.topic !== 'string' || (p.method !== 'CREATE' && p.method !== 'UPDATE' && p.method !== 'DELETE')) return null;
      if (p.seq !== undefined && typeof p.seq !== 'number') return null;
      return parsed as ServerFrame;
    case 'error':
      return typeof p.code === 'string' ? (parsed as ServerFrame) : null;
    case 'refresh':
      return typeof p.expires_at === 'number' ? (parsed as ServerFrame) : null;
    case 'heartbeat':
    case 'me':
      return parsed as ServerFrame;
    default:
      return null;
  }
}
