/**
 * The slice of the WebSocket API the SDK uses. Browsers' `WebSocket` and the `ws` package's both fit, so the SDK
 * takes the constructor as an option and never imports a Node-only module.
 */
import { CAPABILITIES_PARAM, CAPABILITY_DELETE } from '../protocol/capabilities.js';

export interface SocketMessageEvent {
  data: unknown;
}

export interface SocketCloseEvent {
  code: number;
  reason: string;
}

// The handlers' parameters are `any` on purpose: each implementation declares its own event classes, and only
// `any` lets both `ws`'s and the DOM's WebSocket be passed without a cast. The SDK reads them as the types above.
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => SocketLike;

/** `WebSocket.OPEN` in every implementation. */
export const SOCKET_OPEN = 1;

/** The platform's WebSocket (browsers, Node ≥ 22), or undefined when the caller must pass one in. */
export function platformWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

/**
 * The Realtime API URL for what a person is likely to type: `ws(s)://…` is kept as given; `http(s)://host` becomes
 * `ws(s)://host/v2/ws/` (the REST base URL is what integrators have at hand).
 */
export function realtimeUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/v2/ws/';
  }
  return url.toString();
}

/**
 * `url` with the token as the `token` query parameter, which browsers need (they cannot set headers), and the
 * SDK's declaration that it understands `DELETE` (the server otherwise sends Tiledesk's removal form, PROTOCOL §9).
 */
export function withToken(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.set('token', token);
  u.searchParams.set(CAPABILITIES_PARAM, CAPABILITY_DELETE);
  return u.toString();
}
