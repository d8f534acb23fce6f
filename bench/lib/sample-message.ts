// The request's snapshot repeats its lead and department, as deskwire's does: one object each, written twice.
const department = {
  "_id": "6b042873124936c02ebdb237",
  "id": "6b042873124936c02ebdb237",
  "name": "Pool 0",
  "routing": "pooled"
};
const lead = {
  "_id": "6b0428738614539c750775d5",
  "id": "6b0428738614539c750775d5",
  "id_project": "6b042873f4616785f946ca53",
  "lead_id": "6b0428730d6cc9972a5e98cf",
  "fullname": "Visitor",
  "email": null,
  "attributes": {},
  "createdAt": "2026-11-23T11:50:11.813Z",
  "updatedAt": "2026-11-23T11:50:11.813Z"
};

/**
 * The body of a request UPDATE as deskwire sends it (captured from bench/servers/deskwire.ts: a pooled request a
 * visitor opened). The baselines send this same body, so every server in a run moves the same bytes.
 */
export const sampleMessage: Record<string, unknown> = {
  "_id": "6b042873d7daa670a301920b",
  "id": "6b042873d7daa670a301920b",
  "request_id": "bench-0-0",
  "id_project": "6b042873f4616785f946ca53",
  "ticket_id": 1,
  "status": 100,
  "subject": null,
  "first_text": "Hello, I need help with my order.",
  "participants": [],
  "participantsAgents": [],
  "participantsBots": [],
  "participatingAgents": [],
  "hasBot": false,
  "department": department,
  "lead": lead,
  "requester": "6b04287333da1f28539ead19",
  "requester_id": "6b0428738614539c750775d5",
  "snapshot": {
    "agents": [],
    "lead": lead,
    "department": department,
    "requester": {
      "id": "6b04287333da1f28539ead19",
      "isAuthenticated": false
    }
  },
  "assigned_at": null,
  "first_response_at": null,
  "waiting_time": null,
  "closed_at": null,
  "closed_by": null,
  "duration": null,
  "reopened_at": null,
  "reopened_by": null,
  "tags": [],
  "notes": [],
  "priority": "medium",
  "channel": {
    "name": "chat21"
  },
  "preflight": false,
  "draft": false,
  "attributes": {},
  "createdAt": "2026-11-23T11:50:11.813Z",
  "updatedAt": "2026-11-23T11:50:11.813Z"
};
