/** The Realtime API topic forms (PROTOCOL §3), parsed once at subscribe time. */
export type Topic =
  | { kind: 'requests'; projectId: string }
  | { kind: 'request'; projectId: string; requestId: string }
  | { kind: 'messages'; projectId: string; requestId: string }
  | { kind: 'project_user'; projectId: string; projectUserId: string }
  | { kind: 'project_user_by_user'; projectId: string; userId: string }
  | { kind: 'project_users'; projectId: string }
  | { kind: 'metrics'; projectId: string }
  /** The project's raised alerts, then their raises and clears (owners, admins, supervisors). */
  | { kind: 'alerts'; projectId: string }
  /** A contact's events (Tiledesk's events API); `contactId` is a lead or project-user id; `name` narrows to one. */
  | { kind: 'events'; projectId: string; contactId: string; name: string | null }
  /** Tiledesk's bot topic: deskwire has no bots, so it answers a null snapshot and nothing follows. */
  | { kind: 'bots'; projectId: string; botId: string };

export const TOPIC_MAX_BYTES = 256;
const ID = '([A-Za-z0-9_-]{1,128})';
/** An event name (`EVENT_NAME_PATTERN`): the id characters plus `.` and `:`. */
const NAME = '([A-Za-z0-9_.:-]{1,128})';
const forms: [RegExp, (m: string[]) => Topic][] = [
  [new RegExp(`^/${ID}/requests$`), ([, p]) => ({ kind: 'requests', projectId: p! })],
  [new RegExp(`^/${ID}/requests/${ID}$`), ([, p, r]) => ({ kind: 'request', projectId: p!, requestId: r! })],
  [new RegExp(`^/${ID}/requests/${ID}/messages$`), ([, p, r]) => ({ kind: 'messages', projectId: p!, requestId: r! })],
  [new RegExp(`^/${ID}/project_users$`), ([, p]) => ({ kind: 'project_users', projectId: p! })],
  [new RegExp(`^/${ID}/project_users/users/${ID}$`), ([, p, u]) => ({ kind: 'project_user_by_user', projectId: p!, userId: u! })],
  [new RegExp(`^/${ID}/project_users/${ID}$`), ([, p, pu]) => ({ kind: 'project_user', projectId: p!, projectUserId: pu! })],
  [new RegExp(`^/${ID}/metrics$`), ([, p]) => ({ kind: 'metrics', projectId: p! })],
  [new RegExp(`^/${ID}/alerts$`), ([, p]) => ({ kind: 'alerts', projectId: p! })],
  [new RegExp(`^/${ID}/events/${ID}$`), ([, p, c]) => ({ kind: 'events', projectId: p!, contactId: c!, name: null })],
  [new RegExp(`^/${ID}/events/${ID}/${NAME}$`), ([, p, c, n]) => ({ kind: 'events', projectId: p!, contactId: c!, name: n! })],
  [new RegExp(`^/${ID}/bots/${ID}$`), ([, p, b]) => ({ kind: 'bots', projectId: p!, botId: b! })],
];

/** Returns the parsed topic, or null when the string is not one of the documented forms. */
export function parseTopic(topic: string): Topic | null {
  if (topic.length > TOPIC_MAX_BYTES || Buffer.byteLength(topic) > TOPIC_MAX_BYTES) return null;
  for (const [pattern, build] of forms) {
    const m = pattern.exec(topic);
    if (m) {
      const parsed = build(m);
      // "users" is a reserved word in the project_users path, never a project-user id.
      if (parsed.kind === 'project_user' && parsed.projectUserId === 'users') return null;
      return parsed;
    }
  }
  return null;
}
