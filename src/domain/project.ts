import { defaultAlertSettings, type AlertSettings } from './alerts.js';
import type { ChatState } from './chat-availability.js';
import type { Role } from './roles.js';

export interface ProjectSettings {
  /** When on, an agent with `max_agent_assigned_chat` open assignments is busy and gets no new ones. */
  chat_limit_on: boolean;
  max_agent_assigned_chat: number;
  /** Service-level target: share of requests answered within `service_level_seconds`. */
  service_level_target: number;
  service_level_seconds: number;
  /** Tiledesk's behaviour: members take chats whether or not they are connected (presence is not part of the rule). */
  ignore_presence: boolean;
  /** Handle time to plan with until enough conversations were measured (handle-time-estimate.ts), seconds. */
  default_handle_seconds: number;
  /** IANA zone of the desk: history days and forecast seasonality are local to it. UTC when not set. */
  time_zone?: string;
  /** Alert rules (docs/metrics.md, "Alerts"); what is absent takes its default. */
  alerts?: Partial<AlertSettings>;
}

/** Whether the runtime knows the IANA zone (Intl's time-zone database). */
export function isTimeZone(zone: string): boolean {
  if (zone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const defaultProjectSettings: ProjectSettings = {
  chat_limit_on: false,
  max_agent_assigned_chat: 5,
  service_level_target: 0.8,
  service_level_seconds: 60,
  ignore_presence: false,
  default_handle_seconds: 300,
  alerts: defaultAlertSettings,
};

/** The range `default_handle_seconds` may be set within (10 s to 8 h). */
export const DEFAULT_HANDLE_SECONDS_RANGE = { min: 10, max: 28_800 } as const;

export interface Project {
  _id: string;
  id: string;
  name: string;
  settings: ProjectSettings;
  /** Number of the last event in the project's history. */
  seq: number;
  /** Identifies the event history; a new epoch voids older seq numbers. */
  epoch: string;
  createdAt: string;
  updatedAt: string;
}

export interface UserSummary {
  _id: string;
  id: string;
  email: string | null;
  firstname: string;
  lastname: string;
}

export interface ProjectUser {
  _id: string;
  id: string;
  id_project: string;
  id_user: UserSummary;
  /** The user id as a plain string too, for clients that do not read the populated object. */
  uuid_user: string;
  role: Role;
  user_available: boolean;
  /** Free text status such as "available", "busy", "away"; Tiledesk's profileStatus. */
  profileStatus: string;
  max_assigned_chat: number | null;
  number_assigned_requests: number;
  presence: { status: 'online' | 'offline'; changedAt: string | null };
  status: 'active' | 'disabled';
  isBusy: boolean;
  /** Owners, admins and supervisors take chats only with this flag; always true for agents. */
  takes_chats: boolean;
  /** What the "can take chats now" rule says of this member (chat-availability.ts); null: not a chat taker. */
  chat_state: ChatState | null;
  /** Department ids this project user belongs to. */
  departments: string[];
  last_ip: string | null;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface Department {
  _id: string;
  id: string;
  id_project: string;
  name: string;
  routing: 'pooled' | 'assigned';
  default: boolean;
  /** User ids of the member agents. */
  members: string[];
  createdAt: string;
  updatedAt: string;
}
