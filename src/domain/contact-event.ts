/**
 * One of Tiledesk's events: something that happened around a contact (a lead or a project user), such as a page
 * viewed or a form sent, with free attributes. Shaped as Tiledesk serves it: `lead` and `project_user` are ids.
 */
export interface ContactEvent {
  _id: string;
  id: string;
  name: string;
  attributes: Record<string, unknown>;
  id_project: string;
  lead: string | null;
  project_user: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** Event names are topic segments (`/P/events/ID/NAME`), so they use the characters topics allow, plus `.` and `:`. */
export const EVENT_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** How many of a contact's newest events the `/P/events/ID` snapshot carries. */
export const EVENTS_SNAPSHOT_LIMIT = 20;
