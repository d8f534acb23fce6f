/**
 * The one "can take chats now" rule, used by routing, by the live metrics and by every client that reads a project
 * user (its `chat_state`). A desk member takes chats when all of these hold:
 *  - they are an active member (project membership active) with an active account;
 *  - their role takes chats: agents always; owners, admins and supervisors only with their `takes_chats` flag;
 *  - their availability switch (`user_available`) is on;
 *  - they are connected to the Realtime API (presence online, with the tracker's grace period), unless the project
 *    keeps Tiledesk's behaviour of ignoring presence (`ignore_presence`).
 * Of those, a member at their chat limit is busy (see busy.ts); the others are available.
 */
import { isBusy, type LoadFacts } from './busy.js';
import type { ProjectSettings } from './project.js';
import type { Role } from './roles.js';

/** available: gets new chats; busy: at their chat limit; away: switch off; offline: not connected. */
export type ChatState = 'available' | 'busy' | 'away' | 'offline';

export interface ChatTakerFacts extends LoadFacts {
  role: Role;
  status: 'active' | 'disabled';
  /** The stored per-member flag; only owners, admins and supervisors need it (agents always take chats). */
  takes_chats: boolean;
  user_available: boolean;
  presence: 'online' | 'offline';
  /** The user's account (not only the membership) is active. */
  account_active: boolean;
}

export type AvailabilitySettings = Pick<ProjectSettings, 'chat_limit_on' | 'max_agent_assigned_chat' | 'ignore_presence'>;

/** Whether the member's role takes chats: agents always, the supervising roles only when they opted in. */
export function roleTakesChats(role: Role, takesChats: boolean): boolean {
  if (role === 'agent') return true;
  return (role === 'owner' || role === 'admin' || role === 'supervisor') && takesChats;
}

/**
 * The member's chat state, or null when they are not a chat taker at all (inactive membership or account, or a
 * role that does not take chats): such members are counted nowhere in the agents figures.
 * Away is decided before offline: a member who switched themselves off is away whether connected or not.
 */
export function chatState(m: ChatTakerFacts, settings: AvailabilitySettings): ChatState | null {
  if (m.status !== 'active' || !m.account_active || !roleTakesChats(m.role, m.takes_chats)) return null;
  if (!m.user_available) return 'away';
  if (!settings.ignore_presence && m.presence !== 'online') return 'offline';
  return isBusy(m, settings) ? 'busy' : 'available';
}

/** Routing may give this member a new chat now. */
export function canTakeChatNow(m: ChatTakerFacts, settings: AvailabilitySettings): boolean {
  return chatState(m, settings) === 'available';
}
