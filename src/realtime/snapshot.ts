import type { ContactScope } from '../domain/contact-visibility.js';
import { canSeeContact } from '../domain/contact-visibility.js';
import { DeskwireError } from '../domain/errors.js';
import { isMember, isSupervising } from '../domain/roles.js';
import type { Topic } from '../domain/topics.js';
import { canSeeRequest, type RequestScope, type Viewer } from '../domain/visibility.js';
import type { ProjectEvent } from '../events/event.js';
import { viewerOf } from '../domain/viewer.js';
import { useRepeatableRead } from '../store/consistent-read.js';
import type { Db } from '../store/db.js';
import { findProject, type ProjectRow } from '../store/projects.js';
import { scopeOf } from '../domain/request-scope.js';
import { BatchReads, type ListViewer } from './snapshot-reads.js';

/** A resume further back than this many events gets a fresh snapshot instead: it is cheaper and as correct. */
export const REPLAY_MAX_EVENTS = 10_000;

export interface LoadOptions {
  since: number | undefined;
  epoch: string | undefined;
  requestsLimit: number;
  messagesLimit: number;
}

/** One subscription's load: the client's topic string, parsed, and who subscribes. */
export interface LoadRequest {
  topic: string;
  parsed: Topic;
  userId: string;
  opts: LoadOptions;
}

interface Target {
  scope: RequestScope | null;
  targetUserId: string | null;
  contact?: ContactScope;
  /** The snapshot body, unshaped (see `shapeSnapshot`); null when replaying. */
  message: unknown;
}

export type Loaded = {
  /** The project's seq the result is consistent with. */
  seq: number;
  epoch: string;
  /** The viewer as of `seq`. */
  viewer: Viewer;
  scope: RequestScope | null;
  targetUserId: string | null;
  contact: ContactScope | null;
} & ({ kind: 'snapshot'; message: unknown; reset: boolean } | { kind: 'replay'; events: ProjectEvent[] });

/** What a load of a batch comes to: its result, or SUBSCRIBE_FORBIDDEN. */
export type LoadOutcome = Loaded | DeskwireError;

const forbidden = (message?: string) => new DeskwireError('SUBSCRIBE_FORBIDDEN', message);
const isForbidden = (error: unknown): error is DeskwireError => error instanceof DeskwireError && error.code === 'SUBSCRIBE_FORBIDDEN';

/**
 * Authorizes a subscription and reads its snapshot, or the events since `since`, together with the project's
 * seq in one repeatable-read transaction: what is read is exactly the state as of that seq (PROTOCOL §5).
 * Anything absent or invisible is SUBSCRIBE_FORBIDDEN alike, so the answer is no existence oracle.
 */
export async function loadTopic(db: Db, topic: string, parsed: Topic, userId: string, opts: LoadOptions): Promise<Loaded> {
  const [outcome] = await loadTopics(db, parsed.projectId, () => [{ topic, parsed, userId, opts }]);
  if (outcome instanceof DeskwireError) throw outcome;
  return outcome!;
}

/**
 * `loadTopic` for several loads of one project at once, in ONE repeatable-read transaction: each result is what
 * `loadTopic` alone would have returned had it run at that moment, and all share the batch's seq. The project row,
 * the subscribers' project users, each distinct request list and the named project users are read once.
 * `take` is called inside the transaction before its snapshot is taken, so a load that was registered in the hub
 * before it was taken is registered before the state it gets. A refusal is that load's outcome; any other error
 * (the store failing) rejects the whole batch.
 */
export async function loadTopics(db: Db, projectId: string, take: () => readonly LoadRequest[]): Promise<LoadOutcome[]> {
  return db.transaction(async (tx) => {
    const loads = take();
    await useRepeatableRead(tx); // the first statement: `take` ran before the snapshot is taken
    const project = await findProject(tx, projectId);
    if (project === null) return loads.map(() => forbidden());
    const reads = new BatchReads(tx, project);
    const named = loads.flatMap((l) => (l.parsed.kind === 'project_user_by_user' ? [l.parsed.userId] : []));
    await reads.readProjectUsersOfUsers([...loads.map((l) => l.userId), ...named]);

    const plans: (Plan | DeskwireError)[] = [];
    for (const load of loads) {
      const pu = await reads.projectUserOfUser(load.userId);
      const viewer = pu && viewerOf(pu);
      // A visitor may subscribe to the events about themselves only (checked with the contact, in readTarget).
      if (viewer === null || !viewer.active || (!isMember(viewer.role) && load.parsed.kind !== 'events')) plans.push(forbidden());
      // Metrics are a current object, not a history, and bots have neither: a resume gets a fresh snapshot.
      else plans.push({ load, viewer, replay: load.parsed.kind !== 'metrics' && load.parsed.kind !== 'bots' && canReplay(project, load.opts) });
    }
    await reads.prefetch(needsOf(plans.filter((p): p is Plan => !(p instanceof DeskwireError))));

    const outcomes: LoadOutcome[] = [];
    for (const plan of plans) outcomes.push(plan instanceof DeskwireError ? plan : await finish(reads, project, plan));
    return outcomes;
  });
}

interface Plan {
  load: LoadRequest;
  viewer: Viewer;
  replay: boolean;
}

const listViewer = (viewer: Viewer): ListViewer =>
  isSupervising(viewer.role) ? undefined : { userId: viewer.userId, departmentIds: viewer.departmentIds };

/** What the batch's plans will read that one statement can read for all of them. */
function needsOf(plans: readonly Plan[]) {
  const needs = { lists: [] as { agent: ListViewer; limit: number }[], projectUserIds: [] as string[], replayTopics: [] as { topic: string; since: number }[] };
  for (const { load, viewer, replay } of plans) {
    if (replay) needs.replayTopics.push({ topic: load.topic, since: load.opts.since! });
    if (load.parsed.kind === 'requests' && !replay) needs.lists.push({ agent: listViewer(viewer), limit: load.opts.requestsLimit });
    if (load.parsed.kind === 'project_user') needs.projectUserIds.push(load.parsed.projectUserId);
  }
  return needs;
}

async function finish(reads: BatchReads, project: ProjectRow, { load, viewer, replay }: Plan): Promise<LoadOutcome> {
  try {
    const seq = Number(project.seq);
    const target = await readTarget(reads, load.parsed, viewer, load.opts, !replay);
    const base = { seq, epoch: project.epoch, viewer, scope: target.scope, targetUserId: target.targetUserId, contact: target.contact ?? null };
    if (replay) return { ...base, kind: 'replay', events: await reads.eventsSince(load.opts.since!, load.topic) };
    return { ...base, kind: 'snapshot', message: target.message, reset: load.opts.since !== undefined };
  } catch (error) {
    if (isForbidden(error)) return error;
    throw error;
  }
}

/** A replay is exact only within the same history, above what was pruned, and not from the future. */
function canReplay(project: ProjectRow, opts: LoadOptions): boolean {
  if (opts.since === undefined) return false;
  if (opts.epoch !== undefined && opts.epoch !== project.epoch) return false;
  const seq = Number(project.seq);
  return opts.since >= Number(project.pruned_through) && opts.since <= seq && seq - opts.since <= REPLAY_MAX_EVENTS;
}

async function readTarget(reads: BatchReads, t: Topic, viewer: Viewer, opts: LoadOptions, withBody: boolean): Promise<Target> {
  const none = { scope: null, targetUserId: null };
  switch (t.kind) {
    case 'requests': {
      if (!withBody) return { ...none, message: null };
      return { ...none, message: await reads.openRequests(listViewer(viewer), opts.requestsLimit) };
    }
    case 'request':
    case 'messages': {
      const request = await reads.request(t.requestId);
      if (request === null || !canSeeRequest(viewer, scopeOf(request))) throw forbidden();
      const scope = scopeOf(request);
      if (!withBody) return { ...none, scope, message: null };
      const message = t.kind === 'request' ? request : await reads.messages(t.requestId, opts.messagesLimit);
      return { ...none, scope, message };
    }
    case 'project_user': {
      const pu = await reads.projectUser(t.projectUserId);
      if (pu === null || !(isSupervising(viewer.role) || pu.uuid_user === viewer.userId)) throw forbidden();
      return { ...none, targetUserId: pu.uuid_user, message: pu };
    }
    case 'project_user_by_user': {
      const pu = await reads.projectUserOfUser(t.userId);
      if (pu === null) throw forbidden();
      return { ...none, targetUserId: pu.uuid_user, message: pu };
    }
    case 'project_users': {
      if (!isSupervising(viewer.role)) throw forbidden();
      return { ...none, message: withBody ? await reads.members() : null };
    }
    case 'metrics': {
      if (!isSupervising(viewer.role)) throw forbidden();
      // Read in this transaction, so the metrics describe exactly the snapshot's seq.
      const read = await reads.metrics();
      if (read === null) throw forbidden();
      return { ...none, message: read.metrics };
    }
    case 'alerts': {
      if (!isSupervising(viewer.role)) throw forbidden();
      // The raised alerts as of the snapshot's seq: raises and clears are outbox events, so a resume replays them.
      return { ...none, message: withBody ? await reads.raisedAlerts() : null };
    }
    case 'events': {
      const found = await reads.contact(t.contactId);
      if (found === null || !canSeeContact(viewer, found.scope)) throw forbidden();
      return { ...none, contact: found.scope, message: withBody ? await reads.contactEvents(found.contact, t.name) : null };
    }
    case 'bots':
      // No bots here: Tiledesk answers an unknown bot with null, and so does deskwire, for every bot id.
      return { ...none, message: null };
  }
}
