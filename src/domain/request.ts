/** Tiledesk request status codes. */
export const RequestStatus = {
  /** Created but not yet routed (Tiledesk's "temp"). */
  TEMP: 50,
  /** Waiting in a department pool, no agent yet. */
  UNSERVED: 100,
  /** Left by the visitor before anyone answered. */
  ABANDONED: 150,
  /** An agent is a participant. */
  ASSIGNED: 200,
  /** Tiledesk's "served" (a bot or agent answered); deskwire keeps assigned requests at 200. */
  SERVED: 300,
  CLOSED: 1000,
} as const;
export type RequestStatusCode = (typeof RequestStatus)[keyof typeof RequestStatus];

export interface DepartmentRef {
  _id: string;
  id: string;
  name: string;
  routing: 'pooled' | 'assigned';
}

export interface Lead {
  _id: string;
  id: string;
  id_project: string;
  /** The visitor's user id. */
  lead_id: string;
  fullname: string;
  email: string | null;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ParticipantRef {
  id: string;
  firstname: string;
  lastname: string;
}

/** A request as the REST API and the Realtime API send it (Tiledesk's field names). */
export interface Request {
  _id: string;
  id: string;
  request_id: string;
  id_project: string;
  ticket_id: number;
  status: number;
  subject: string | null;
  first_text: string;
  /** User ids of everyone taking part on the desk side (agents and bots). */
  participants: string[];
  participantsAgents: string[];
  participantsBots: string[];
  /** Names of the agent participants, so a list can show them without another lookup. */
  participatingAgents: ParticipantRef[];
  /** Tiledesk clients read lead, department and agents from here (the dashboard normalises `data.snapshot.*`). */
  snapshot: {
    agents: { id_user: string }[];
    lead: Lead | null;
    department: DepartmentRef | null;
    requester: { id: string | null; isAuthenticated: boolean } | null;
  };
  hasBot: boolean;
  department: DepartmentRef | null;
  lead: Lead | null;
  /** The project-user id of the visitor who started the request. */
  requester: string | null;
  requester_id: string | null;
  assigned_at: string | null;
  first_response_at: string | null;
  /** Milliseconds from creation to the first agent reply. */
  waiting_time: number | null;
  closed_at: string | null;
  closed_by: string | null;
  /** Milliseconds from creation to close. */
  duration: number | null;
  /** When a closed request last came back (a visitor wrote again, or a desk member reopened it); null if never. */
  reopened_at: string | null;
  /** Who reopened it: the visitor who wrote, or the desk member. */
  reopened_by: string | null;
  /** The visitor's satisfaction, 1–5 (Tiledesk's name); null until they rate. */
  rating: number | null;
  /** The visitor's comment with the rating; null when none. */
  rating_message: string | null;
  tags: string[];
  notes: { text: string; createdBy: string; createdAt: string }[];
  priority: 'low' | 'medium' | 'high' | 'urgent';
  channel: { name: string };
  preflight: boolean;
  draft: boolean;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export const priorities = ['low', 'medium', 'high', 'urgent'] as const;
