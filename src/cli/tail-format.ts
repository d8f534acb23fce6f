/** How `deskwire tail` shows an event: one readable line per item, or one JSON object per line for scripts. */
import type { EventMeta } from '../client/index.js';

export type TailKind = 'snapshot' | 'reset' | 'create' | 'update' | 'delete';

type Item = Record<string, unknown>;
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const quote = (text: unknown, max = 60): string => {
  const s = str(text).replace(/\s+/g, ' ');
  return JSON.stringify(s.length > max ? `${s.slice(0, max - 1)}…` : s);
};

/** A short description of a request, message or project user; other shapes as compact JSON. */
export function describeItem(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const item = value as Item;
  if (typeof item.text === 'string' && 'sender' in item) {
    return `message ${str(item._id)} from ${str(item.senderFullname) || str(item.sender)}: ${quote(item.text)}`;
  }
  if (typeof item.request_id === 'string' && 'status' in item) {
    const agents = Array.isArray(item.participatingAgents) ? (item.participatingAgents as Item[]).map((a) => str(a.firstname ?? a.id)).join(',') : '';
    const parts = [`request ${item.request_id}`, `status ${str(item.status)}`];
    if (agents) parts.push(`agents ${agents}`);
    if (item.first_text !== undefined) parts.push(quote(item.first_text, 40));
    return parts.join('  ');
  }
  if (typeof item.role === 'string' && 'user_available' in item) {
    const user = (item.id_user ?? {}) as Item;
    const name = [user.firstname, user.lastname].filter(Boolean).join(' ') || str(user.email) || str(item._id);
    return `member ${name} (${item.role})  available ${str(item.user_available)}  busy ${str(item.isBusy)}`;
  }
  const ids = ['_id', 'id', 'request_id'].filter((k) => k in item).map((k) => `${k}=${str(item[k])}`);
  return ids.length > 0 && Object.keys(item).length <= 3 ? ids.join(' ') : JSON.stringify(item).slice(0, 200);
}

const clock = (date: Date): string => date.toISOString().slice(11, 23);

/** The lines `tail` prints for one event (a snapshot: a header and one line per item). */
export function formatReadable(kind: TailKind, meta: EventMeta, payload: unknown, now = new Date()): string[] {
  const head = `${clock(now)}  ${meta.topic}  ${kind.toUpperCase().padEnd(8)} #${str(meta.seq)}`;
  if (kind === 'snapshot' || kind === 'reset') {
    const items = payload as unknown[];
    return [`${head}  ${items.length} item${items.length === 1 ? '' : 's'}`, ...items.map((item) => `    · ${describeItem(item)}`)];
  }
  return [`${head}  ${describeItem(payload)}`];
}

export function formatJson(kind: TailKind, meta: EventMeta, payload: unknown, now = new Date()): string[] {
  const many = kind === 'snapshot' || kind === 'reset';
  return [JSON.stringify({ time: now.toISOString(), topic: meta.topic, type: kind, seq: meta.seq, epoch: meta.epoch, [many ? 'items' : 'item']: payload })];
}
