/** The Realtime API topic forms (PROTOCOL §3), parsed once at subscribe time. */
export type Topic =
  | { kind: 'requests'; projectId: string }
  | { kind: 'request'; projectId: string; requestId: string }
  | { kind: 'messages'; projectId: string; requestId: string }
  | { kind: 'project_user'; projectId: string; projectUserId: string }
  | { kind: 'project_user_by_user'; projectId: string; userId: string }
  | { kind: 'project_users'; projectId: string }
  | { kind: 'metrics'; projectId: string };

export const TOPIC_MAX_BYTES = 256;
const ID = '([A-Za-z0-9_-]{1,128})';
const forms: [RegExp, (m: string[]) => Topic][] = [
  [new RegExp(`^/${ID}/requests$`), ([, p]) => ({ kind: 'requests', projectId: p! })],
  [new RegExp(`^/${ID}/requests/${ID}$`), ([, p, r]) => ({ kind: 'request', projectId: p!, requestId: r! })],
  [new RegExp(`^/${ID}/requests/${ID}/messages$`), ([, p, r]) => ({ kind: 'messages', projectId: p!, requestId: r! })],
  [new RegExp(`^/${ID}/project_users$`), ([, p]) => ({ kind: 'project_users', projectId: p! })],
  [new RegExp(`^/${ID}/project_users/users/${ID}$`), ([, p, u]) => ({ kind: 'project_user_by_user', projectId: p!, userId: u! })],
  [new RegExp(`^/${ID}/project_users/${ID}$`), ([, p, pu]) => ({ kind: 'project_user', projectId: p!, projectUserId: pu! })],
  [new RegExp(`^/${ID}/metrics$`), ([, p]) => ({ kind: 'metrics', projectId: p! })],
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
