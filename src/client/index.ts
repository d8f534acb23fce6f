/**
 * deskwire's client SDK (`deskwire/client`): runs in browsers and Node; only the WebSocket constructor is
 * platform-specific, and it can be passed in. See docs/client.md.
 */
export { connect, DeskwireClient, type ConnectOptions, type ConnectionState } from './client.js';
export { Subscription } from './subscription.js';
export { LiveList, defaultSort, type LiveListChange, type LiveListOptions } from './live-list.js';
export type { EventMeta, TopicEvent, TopicHandlers } from './topic-events.js';
export { DeskwireClientError, type ClientErrorCode, type ClientOnlyCode } from './client-error.js';
export { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
export { tokenExpiresAt } from './jwt-expiry.js';
export { ApiError, normalizeToken, RestClient, type RestResponse } from './rest-client.js';
export type { SocketLike, WebSocketConstructor } from './socket.js';
export { CloseCode, shouldReconnect } from '../protocol/close-codes.js';
export type { ErrorCode } from '../domain/errors.js';
