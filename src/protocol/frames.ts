/**
 * The Realtime API wire frames (PROTOCOL §2): one discriminated union each way. Shared by the server and the SDK,
 * so nothing here may import Node-only modules.
 */
import type { ErrorCode } from '../domain/errors.js';

export type PublishMethod = 'CREATE' | 'UPDATE' | 'DELETE';

/** Client → server, as the codec hands it over after validation. */
export type ClientFrame =
  | { action: 'subscribe'; payload: { topic: string; since?: number; epoch?: string } }
  | { action: 'unsubscribe'; payload: { topic: string } }
  | { action: 'heartbeat'; payload: { message: { text: string } } }
  | { action: 'me'; payload: Record<string, never> }
  | { action: 'refresh'; payload: { token: string } };

export type ClientAction = ClientFrame['action'];

export interface PublishPayload {
  /** Exactly the topic string the client subscribed with. */
  topic: string;
  method: PublishMethod;
  /** An array for list snapshots, one object otherwise. */
  message: unknown;
  /** The project's event number of the change, or the number a snapshot is consistent with. */
  seq?: number;
  epoch?: string;
  /** A fresh snapshot sent instead of the asked-for replay: what the client held before is void. */
  reset?: true;
}

export interface ErrorPayload {
  topic?: string;
  code: ErrorCode;
  message: string;
  retryable: boolean;
  retry_after_seconds?: number;
}

/** Server → client. */
export type ServerFrame =
  | { action: 'publish'; payload: PublishPayload }
  | { action: 'heartbeat'; payload: { message: { text: 'ping' | 'pong' } } }
  | { action: 'me'; payload: { id: string; userId: string } }
  | { action: 'refresh'; payload: { expires_at: number } }
  | { action: 'error'; payload: ErrorPayload };

export type ServerAction = ServerFrame['action'];
