import type { ContactEvent } from '../domain/contact-event.js';
import { canSeeContact } from '../domain/contact-visibility.js';
import { DeskwireError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { isMember, isSupervising } from '../domain/roles.js';
import type { Queryable } from '../store/db.js';
import {
  contactOfUser,
  contactScope,
  countContactEvents,
  findContact,
  insertContactEvent,
  listContactEvents,
  type Contact,
  type ContactEventQuery,
} from '../store/contact-events.js';
import { requireMembership, type Actor, type Membership, type ServiceDeps } from './context.js';
import { writeProject } from './project-write.js';

export interface NewContactEventInput {
  name: string;
  attributes?: Record<string, unknown>;
  /** The contact, by either of its ids; a visitor may leave both out (the event is about themselves). */
  lead?: string;
  project_user?: string;
}

export interface ContactEventPage {
  perPage: number;
  count: number;
  events: ContactEvent[];
}

/** Which contact a caller names: the lead, the project user, or both (then they must be the same person). */
interface Naming {
  lead?: string | undefined;
  project_user?: string | undefined;
}

/**
 * Tiledesk's events API. Every event is written with its outbox event in one project write, so the topic
 * `/P/events/ID` is ordered and resumable like every other. Visibility is `canSeeContact` in REST and topics alike.
 */
export class ContactEventsService {
  constructor(private readonly deps: ServiceDeps) {}

  /** A visitor posts about themselves only; a desk member about any contact of the project. */
  async post(actor: Actor, projectId: string, input: NewContactEventInput): Promise<ContactEvent> {
    return writeProject(this.deps, projectId, async ({ tx, outbox }) => {
      const m = await requireMembership(tx, projectId, actor);
      const contact = await this.target(tx, projectId, m, input);
      const scope = await contactScope(tx, projectId, contact.userId);
      const event = await insertContactEvent(tx, {
        id: newId(),
        projectId,
        name: input.name,
        attributes: input.attributes ?? {},
        leadId: contact.leadId,
        projectUserId: contact.projectUserId,
        createdBy: actor.userId,
        seq: outbox.nextSeq,
      });
      outbox.emit({
        kind: 'contact_event',
        method: 'CREATE',
        entityId: event.id,
        requestId: null,
        scope: null,
        prevScope: null,
        contact: scope,
        data: event,
      });
      return event;
    });
  }

  /**
   * Newest first. A named contact the caller may not see is NOT_FOUND, like an absent one. Without a contact: a
   * visitor gets their own events, the supervising roles the whole project's, an agent must name one.
   */
  async list(actor: Actor, projectId: string, opts: Naming & { name?: string | undefined; page: number; limit: number }): Promise<ContactEventPage> {
    const db = this.deps.db;
    const m = await requireMembership(db, projectId, actor);
    let contact: Contact | null;
    if (opts.lead !== undefined || opts.project_user !== undefined) {
      contact = await this.named(db, projectId, opts, 'NOT_FOUND');
      if (!canSeeContact(m.viewer, await contactScope(db, projectId, contact.userId))) throw new DeskwireError('NOT_FOUND', 'No such contact.');
    } else if (!isMember(m.viewer.role)) {
      contact = await contactOfUser(db, projectId, actor.userId);
    } else if (isSupervising(m.viewer.role)) {
      contact = null;
    } else {
      throw new DeskwireError('BODY_INVALID', 'Name the contact: lead or project_user.', { issues: [{ path: 'lead', message: 'required for agents' }] });
    }
    const query: ContactEventQuery = { projectId, contact, name: opts.name ?? null, limit: opts.limit, offset: opts.page * opts.limit };
    const [events, count] = await Promise.all([listContactEvents(db, query), countContactEvents(db, query)]);
    return { perPage: opts.limit, count, events };
  }

  private async target(tx: Queryable, projectId: string, m: Membership, input: NewContactEventInput): Promise<Contact> {
    const names = input.lead !== undefined || input.project_user !== undefined;
    if (!isMember(m.viewer.role)) {
      if (!names) return contactOfUser(tx, projectId, m.viewer.userId);
      const contact = await this.named(tx, projectId, input, 'FORBIDDEN');
      if (contact.userId !== m.viewer.userId) throw new DeskwireError('FORBIDDEN', 'A visitor posts events about themselves only.');
      return contact;
    }
    if (!names) throw new DeskwireError('BODY_INVALID', 'Name the contact: lead or project_user.', { issues: [{ path: 'lead', message: 'lead or project_user is required' }] });
    return this.named(tx, projectId, input, 'BODY_INVALID');
  }

  /**
   * The contact the ids name. An id that names nothing of that kind in the project is `unknown`'s code (BODY_INVALID
   * for a write naming it, NOT_FOUND for a read, FORBIDDEN for a visitor, who learns nothing about others).
   */
  private async named(q: Queryable, projectId: string, n: Naming, unknown: 'BODY_INVALID' | 'NOT_FOUND' | 'FORBIDDEN'): Promise<Contact> {
    const fail = (path: 'lead' | 'project_user', what: string): never => {
      throw new DeskwireError(unknown, `${path}: ${what}`, unknown === 'BODY_INVALID' ? { issues: [{ path, message: what }] } : {});
    };
    let contact: Contact | null = null;
    if (n.lead !== undefined) {
      contact = await findContact(q, projectId, n.lead);
      if (contact?.leadId !== n.lead) fail('lead', 'no such lead in this project');
    }
    if (n.project_user !== undefined) {
      const other = await findContact(q, projectId, n.project_user);
      if (other?.projectUserId !== n.project_user) fail('project_user', 'no such project user in this project');
      if (contact !== null && contact.userId !== other!.userId) fail('project_user', 'names another person than lead');
      contact = other;
    }
    return contact!;
  }
}
