import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeskwireError } from '../../src/domain/errors.js';
import { parseTopic } from '../../src/domain/topics.js';
import type { ProjectEvent, RequestEvent } from '../../src/events/event.js';
import { ProjectChannel } from '../../src/realtime/project-channel.js';
import { Member, Subscription, type Subscriber } from '../../src/realtime/subscription.js';
import type { Queryable } from '../../src/store/db.js';
import { sampleRequest } from '../support/sample-entities.js';
import { until } from '../support/until.js';

const P = 'p1';
const scope = { departmentId: 'd', agents: [], requesterUserId: null };
const event = (seq: number): RequestEvent => ({
  projectId: P,
  seq,
  epoch: 'e',
  kind: 'request',
  method: 'UPDATE',
  entityId: 'r1',
  requestId: 'r1',
  scope,
  prevScope: scope,
  data: sampleRequest({ _id: 'x', request_id: 'r1', status: 100, attributes: { n: seq } }),
  createdAt: new Date().toISOString(),
});

/** The outbox as `readEventRange` reads it: rows with seq in (from, to]. */
function outbox(seqs: number[], fail = false): Queryable & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    reads,
    async query<T>(_sql: string, params: readonly unknown[] = []): Promise<T[]> {
      const [, from, to] = params as [string, number, number];
      reads.push([from, to]);
      if (fail) throw new Error('store down');
      return seqs
        .filter((s) => s > from && s <= to)
        .map((s) => {
          const e = event(s);
          return { ...e, project_id: P, entity_id: e.entityId, request_id: e.requestId, prev_scope: e.prevScope, created_at: e.createdAt } as T;
        });
    },
  };
}

class Recorder implements Subscriber {
  readonly understandsDelete = true;
  seqs: number[] = [];
  dropped: string[] = [];
  send(frame: Buffer): void {
    this.seqs.push(JSON.parse(frame.toString()).payload.seq);
  }
  accessChanged(): void {}
  drop(sub: Subscription, error: DeskwireError): void {
    this.dropped.push(`${sub.topic} ${error.code}`);
  }
  resynced: string[] = [];
  resync(sub: Subscription, failed: ProjectEvent): void {
    this.resynced.push(`${sub.topic} from ${failed.seq}`);
  }
}

function liveSub(channel: ProjectChannel, rec: Recorder, lastSeq: number): Subscription {
  const topic = `/${P}/requests/r1`;
  const sub = new Subscription(rec, topic, parseTopic(topic)!, undefined, undefined);
  const member = new Member(rec, P, 'u1');
  member.update({ userId: 'u1', role: 'admin', departmentIds: [], active: true }, 0);
  sub.member = member;
  sub.scope = scope;
  sub.state = 'loading';
  channel.addSubscription(sub);
  sub.state = 'live';
  sub.lastSeq = lastSeq;
  return sub;
}

test('a subscription joining a channel that has seen nothing is covered from where the stream starts', () => {
  const channel = new ProjectChannel(P, outbox([]), silent, () => {});
  const rec = new Recorder();
  const topic = `/${P}/requests`;
  const sub = new Subscription(rec, topic, parseTopic(topic)!, undefined, undefined);
  sub.state = 'loading';
  channel.addSubscription(sub);
  assert.equal(sub.coveredFrom, null);
  channel.offer(event(10));
  assert.equal(sub.coveredFrom, 9, 'the buffer holds everything after 9; a snapshot older than that reads the rest from the outbox');
  assert.deepEqual(sub.buffer.map((e) => e.seq), [10]);
  const later = new Subscription(rec, topic, parseTopic(topic)!, undefined, undefined);
  channel.addSubscription(later);
  assert.equal(later.coveredFrom, 10);
});

test('a gap is filled from the outbox before anything newer; late and repeated events are dropped', async () => {
  const store = outbox([6, 7, 8]);
  const channel = new ProjectChannel(P, store, silent, () => {});
  channel.establish(5);
  const rec = new Recorder();
  liveSub(channel, rec, 5);
  channel.offer(event(8));
  channel.offer(event(9)); // arrives while the gap is being filled
  await until(() => rec.seqs.length === 4, 'the gap filled', eachTurn);
  channel.offer(event(7));
  channel.offer(event(9));
  channel.offer(event(10));
  assert.deepEqual(rec.seqs, [6, 7, 8, 9, 10]);
  assert.deepEqual(store.reads, [[5, 7]]);
});

test('when the outbox cannot be read, the project’s subscriptions end with a retryable error instead of silently missing events', async () => {
  const channel = new ProjectChannel(P, outbox([], true), silent, () => {}, [1]);
  channel.establish(5);
  const rec = new Recorder();
  liveSub(channel, rec, 5);
  channel.offer(event(8));
  await until(() => rec.dropped.length === 1, 'the subscription dropped', eachTurn);
  assert.deepEqual(rec.dropped, [`/${P}/requests/r1 STORE_UNAVAILABLE`]);
});

/** The channel works on the event loop: check once a turn, not on a timer. */
const eachTurn = { timeoutMs: 1000, everyMs: 0 };

const silent = { debug() {}, info() {}, warn() {}, error() {} };

test('an event that cannot be encoded is logged once with its seq, its subscribers are re-read from the outbox, and dispatch goes on', () => {
  const errors: Record<string, unknown>[] = [];
  const logger = { ...silent, error: (fields: Record<string, unknown>) => void errors.push(fields) };
  const channel = new ProjectChannel(P, outbox([]), logger, () => {});
  const a = new Recorder();
  const b = new Recorder();
  const subA = liveSub(channel, a, 4);
  liveSub(channel, b, 4);
  channel.establish(4);
  channel.offer(event(5));
  // JSON.stringify throws on a BigInt as it does on data nested too deep for the stack.
  channel.offer({ ...event(6), data: sampleRequest({ ...event(6).data, attributes: { big: 1n } }) });
  assert.deepEqual(errors.map((f) => [f.seq, f.subscriptions]), [[6, 2]], 'one log line for the event, with its seq');
  assert.deepEqual([a.resynced, b.resynced], [[`${subA.topic} from 6`], [`${subA.topic} from 6`]], 'each affected subscription is brought level');
  assert.deepEqual([a.seqs, b.seqs], [[5], [5]], 'nothing undecodable was sent');
  // A subscription that stays live (the Recorder does not reload) still gets what follows: dispatch did not stop.
  channel.offer(event(7));
  assert.deepEqual([a.seqs, b.seqs], [[5, 7], [5, 7]]);
  assert.equal(channel.head, 7);
});

test('a gap filled from the outbox carries each client’s form of a request leaving its sight: DELETE or Tiledesk’s removal', async () => {
  const pooled = { departmentId: 'd', agents: [], requesterUserId: null };
  const taken = { departmentId: 'd', agents: ['u2'], requesterUserId: null };
  const join = (seq: number): ProjectEvent => ({ ...event(seq), scope: taken, prevScope: pooled, data: { ...sampleRequest({ request_id: 'r1', status: 200, participantsAgents: ['u2'], subject: 'mine' }), _id: 'x', id: 'x' } });
  // seq 6 is the join; it reaches the channel only through the gap that seq 7 (a later, unrelated change) reveals.
  const store: Queryable = {
    async query<T>(_sql: string, params: readonly unknown[] = []): Promise<T[]> {
      const [, from, to] = params as [string, number, number];
      return [join(6)].filter((e) => e.seq > from && e.seq <= to).map((e) => ({ ...e, project_id: P, entity_id: e.entityId, request_id: e.requestId, prev_scope: e.prevScope, created_at: e.createdAt }) as T);
    },
  };
  const channel = new ProjectChannel(P, store, silent, () => {});
  channel.establish(5);
  const frames = new Map<boolean, any[]>([[true, []], [false, []]]);
  for (const understandsDelete of [true, false]) {
    const subscriber: Subscriber = {
      understandsDelete,
      send: (frame) => void frames.get(understandsDelete)!.push(JSON.parse(frame.toString()).payload),
      accessChanged() {},
      drop() {},
      resync() {},
    };
    const topic = `/${P}/requests`;
    const sub = new Subscription(subscriber, topic, parseTopic(topic)!, undefined, undefined);
    sub.member = new Member(subscriber, P, 'u1');
    sub.member.update({ userId: 'u1', role: 'agent', departmentIds: ['d'], active: true }, 0);
    sub.state = 'loading';
    channel.addSubscription(sub);
    sub.state = 'live';
    sub.lastSeq = 5;
  }
  channel.offer({ ...event(7), scope: taken, prevScope: taken });
  await until(() => frames.get(false)!.length === 1 && frames.get(true)!.length === 1, 'both subscribers got the gap-filled join');
  assert.deepEqual(frames.get(true)!.map((p) => [p.seq, p.method, p.message]), [[6, 'DELETE', { _id: 'x', id: 'x', request_id: 'r1' }]]);
  assert.deepEqual(frames.get(false)!.map((p) => [p.seq, p.method, p.message]), [[6, 'UPDATE', { _id: 'x', id: 'x', request_id: 'r1', id_project: P, status: 1000 }]]);
});
