import type { Role } from './roles.js';

export interface ProjectSettings {
  /** When on, an agent with `max_agent_assigned_chat` open assignments is busy and gets no new ones. */
  chat_limit_on: boolean;
  max_agent_assigned_chat: number;
  /** Service-level target: share of requests answered within `service_level_seconds`. */
  service_level_target: number;
  service_level_seconds: number;
  /** IANA zone of the desk: history days and forecast seasonality are local to it. UTC when not set. */
  time_zone?: string;
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
};

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
