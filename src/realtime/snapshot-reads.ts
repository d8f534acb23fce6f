import type { ProjectUser } from '../domain/project.js';
import type { Request } from '../domain/request.js';
import { memberRoles } from '../domain/roles.js';
import type { ProjectEvent } from '../events/event.js';
import { readProjectMetrics } from '../metrics/project-metrics.js';
import type { Queryable } from '../store/db.js';
import { EVENTS_SNAPSHOT_LIMIT } from '../domain/contact-event.js';
import { contactScope, findContact, listContactEvents, type Contact } from '../store/contact-events.js';
import { listRaisedAlerts } from '../store/alerts.js';
import { readEventRange } from '../store/events.js';
import { listMessages } from '../store/messages.js';
import { getProjectUsersByIds, getProjectUsersByUsers, listProjectUsers } from '../store/project-users.js';
import type { ProjectRow } from '../store/projects.js';
import { getRequest, listOpenRequestsOfAgents, listRequests } from '../store/requests.js';
import { topicKeys } from './topic-rules.js';

/** Whose `/requests` list: undefined for the supervising roles (everything), else one agent's visibility. */
export type ListViewer = { userId: string; departmentIds: readonly string[] } | undefined;

const listKey = (agent: ListViewer, limit: number) => (agent === undefined ? `${limit}|*` : `${limit}|${agent.userId}|${agent.departmentIds.join(',')}`);

/**
 * The store reads of one snapshot batch, all in its repeatable-read transaction, so every fact is the same for
 * every load of the batch and is read once. What many loads need is read up front with one statement per kind
 * (`readProjectUsersOfUsers`, `prefetch`); anything else is read on first use and shared.
 * The results are shared between subscribers: nothing may mutate them.
 */
export class BatchReads {
  private readonly usersByUserId = new Map<string, ProjectUser | null>();
  private readonly usersById = new Map<string, ProjectUser | null>();
  private readonly lists = new Map<string, Promise<Request[]>>();
  private readonly memo = new Map<string, Promise<unknown>>();
  private replay: { from: number; byTopic: Map<string, ProjectEvent[]> } | null = null;

  constructor(
    private readonly tx: Queryable,
    private readonly project: ProjectRow,
  ) {}

  /** The project users of these users (subscribers, and users that topics name), with one statement. */
  async readProjectUsersOfUsers(userIds: Iterable<string>): Promise<void> {
    const wanted = [...new Set(userIds)].filter((id) => !this.usersByUserId.has(id));
    const found = await getProjectUsersByUsers(this.tx, this.project.id, wanted);
    for (const id of wanted) this.usersByUserId.set(id, found.get(id) ?? null);
  }

  /**
   * Reads, one statement each: the distinct `/requests` lists (the supervising roles share one; the agents'
   * come in one statement per limit), the project users that topics name, and the events the replays need.
   */
  async prefetch(needs: { lists: { agent: ListViewer; limit: number }[]; projectUserIds: string[]; replayTopics: { topic: string; since: number }[] }): Promise<void> {
    const agentsByLimit = new Map<number, Map<string, NonNullable<ListViewer>>>();
    for (const { agent, limit } of needs.lists) {
      const key = listKey(agent, limit);
      if (this.lists.has(key)) continue;
      if (agent === undefined) {
        this.lists.set(key, Promise.resolve(await this.readList(undefined, limit)));
        continue;
      }
      let agents = agentsByLimit.get(limit);
      if (agents === undefined) agentsByLimit.set(limit, (agents = new Map()));
      agents.set(key, agent);
    }
    for (const [limit, agents] of agentsByLimit) {
      const lists = await listOpenRequestsOfAgents(this.tx, this.project.id, [...agents.values()], limit);
      [...agents.keys()].forEach((key, i) => this.lists.set(key, Promise.resolve(lists[i]!)));
    }

    const ids = [...new Set(needs.projectUserIds)].filter((id) => !this.usersById.has(id));
    const found = await getProjectUsersByIds(this.tx, this.project.id, ids);
    for (const id of ids) this.usersById.set(id, found.get(id) ?? null);

    if (needs.replayTopics.length > 0) {
      const from = Math.min(...needs.replayTopics.map((r) => r.since));
      const wanted = new Set(needs.replayTopics.map((r) => r.topic));
      const byTopic = new Map<string, ProjectEvent[]>();
      for (const e of await readEventRange(this.tx, this.project.id, from, Number(this.project.seq))) {
        for (const key of new Set(topicKeys(e))) {
          if (!wanted.has(key)) continue;
          let events = byTopic.get(key);
          if (events === undefined) byTopic.set(key, (events = []));
          events.push(e);
        }
      }
      this.replay = { from, byTopic };
    }
  }

  /** The open requests of the `/requests` topic as `agent` (or a supervising role) sees them, newest first. */
  openRequests(agent: ListViewer, limit: number): Promise<Request[]> {
    const key = listKey(agent, limit);
    let list = this.lists.get(key);
    if (list === undefined) this.lists.set(key, (list = this.readList(agent, limit)));
    return list;
  }

  async projectUserOfUser(userId: string): Promise<ProjectUser | null> {
    if (!this.usersByUserId.has(userId)) await this.readProjectUsersOfUsers([userId]);
    return this.usersByUserId.get(userId)!;
  }

  async projectUser(id: string): Promise<ProjectUser | null> {
    if (!this.usersById.has(id)) {
      const found = await getProjectUsersByIds(this.tx, this.project.id, [id]);
      this.usersById.set(id, found.get(id) ?? null);
    }
    return this.usersById.get(id)!;
  }

  /** The events after `since` (up to the batch's seq) that concern `topic`, in seq order. */
  async eventsSince(since: number, topic: string): Promise<ProjectEvent[]> {
    if (this.replay !== null && since >= this.replay.from) return (this.replay.byTopic.get(topic) ?? []).filter((e) => e.seq > since);
    const events = await readEventRange(this.tx, this.project.id, since, Number(this.project.seq));
    return events.filter((e) => topicKeys(e).includes(topic));
  }

  request(requestId: string) {
    return this.once(`request|${requestId}`, () => getRequest(this.tx, this.project.id, requestId));
  }

  messages(requestId: string, limit: number) {
    return this.once(`messages|${requestId}|${limit}`, () => listMessages(this.tx, this.project.id, requestId, limit));
  }

  members() {
    return this.once('members', () => listProjectUsers(this.tx, this.project.id, memberRoles));
  }

  /** The contact a lead or project-user id names, with the visibility facts of its requests; null when neither. */
  contact(id: string) {
    return this.once(`contact|${id}`, async () => {
      const contact = await findContact(this.tx, this.project.id, id);
      return contact === null ? null : { contact, scope: await contactScope(this.tx, this.project.id, contact.userId) };
    });
  }

  /** A contact's newest events (of one name, or all), newest first. */
  contactEvents(contact: Contact, name: string | null) {
    const key = `events|${contact.leadId}|${contact.projectUserId}|${name ?? ''}`;
    return this.once(key, () => listContactEvents(this.tx, { projectId: this.project.id, contact, name, limit: EVENTS_SNAPSHOT_LIMIT, offset: 0 }));
  }

  raisedAlerts() {
    return this.once('alerts', () => listRaisedAlerts(this.tx, this.project.id));
  }

  metrics() {
    return this.once('metrics', () => readProjectMetrics(this.tx, this.project.id));
  }

  private readList(agent: ListViewer, limit: number): Promise<Request[]> {
    return listRequests(this.tx, { projectId: this.project.id, statuses: null, openForRealtime: true, agent, limit, offset: 0 });
  }

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (value === undefined) this.memo.set(key, (value = read()));
    return value;
  }
}
