/**
 * What a client declares it understands beyond Tiledesk's frames, at connect, in the Realtime API URL's query
 * (`?capabilities=delete`). A query parameter, because it is the one place every client (browsers included) can
 * put something before the first frame, and an unmodified Tiledesk client never sends this one. Shared by the
 * server and the SDK, so nothing here may import Node-only modules.
 */
export const CAPABILITIES_PARAM = 'capabilities';

/**
 * The client handles `DELETE` publishes (PROTOCOL §9). Without it, a request leaving the client's sight is sent
 * as Tiledesk's removal instead: an `UPDATE` carrying only the request's ids and `status: 1000`.
 */
export const CAPABILITY_DELETE = 'delete';

/** The capabilities named in a URL query string (with or without its leading `?`), lower-cased. */
export function capabilitiesOf(query: string): Set<string> {
  const raw = new URLSearchParams(query).getAll(CAPABILITIES_PARAM);
  return new Set(raw.flatMap((v) => v.split(',')).map((c) => c.trim().toLowerCase()).filter((c) => c !== ''));
}
