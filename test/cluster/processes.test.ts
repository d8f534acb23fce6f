import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { connect, type DeskwireClient } from '../../src/client/index.js';
import { TestClient } from '../support/ws-client.js';
import { ProcessCluster } from '../support/cluster.js';
import type { SpawnedServer } from '../support/spawn-server.js';
import { createDesk, newRequestId, type Desk } from '../support/desk.js';
import { expectStatus, Rest } from '../support/rest-client.js';
import { postgresSkipReason } from '../support/test-app.js';
import { TcpBalancer } from '../support/tcp-balancer.js';

function skipReason(): string | false {
  return postgresSkipReason();
}

interface Req {
  request_id: string;
  status: number;
  tags: string[];
}

/** An SDK client following `/P/requests`: its view, and every live event's seq as handed to its handlers. */
class Follower {
  readonly view = new Map<string, Req>();
  readonly seqs: number[] = [];
  readonly client: DeskwireClient;
  /** Close codes of the connections it lost (it then reconnected). */
  readonly lost: (number | null)[] = [];

  constructor(url: string, token: string, topic: string) {
    this.client = connect({ url, token, WebSocket: WebSocket as never, backoff: { initialMs: 100, maxMs: 1000 } });
    this.client.on('state', (s) => {
      if (s.state === 'reconnecting' && s.attempt === 1) this.lost.push(s.closeCode);
    });
    const put = (r: Req) => (r.status >= 1000 ? this.view.delete(r.request_id) : this.view.set(r.request_id, r));
    const replace = (items: Req[]) => {
      this.view.clear();
      for (const r of items) put(r);
    };
    this.client.subscribe<Req>(topic, {
      onSnapshot: replace,
      onReset: replace,
      onCreate: (r, meta) => {
        if (meta.snapshot) return;
        this.seqs.push(meta.seq!);
        put(r);
      },
      onUpdate: (r, meta) => {
        this.seqs.push(meta.seq!);
        put(r);
      },
      onDelete: (r, meta) => {
        this.seqs.push(meta.seq!);
        this.view.delete(r.request_id);
      },
    });
  }

  duplicates(): number[] {
    return this.seqs.filter((s, i) => this.seqs.indexOf(s) !== i);
  }

  matches(truth: Map<string, string>): boolean {
    if (this.view.size !== truth.size) return false;
    for (const [rid, tags] of truth) if (JSON.stringify(this.view.get(rid)?.tags) !== tags) return false;
    return true;
  }
}

/** Open requests as the database has them: request_id → tags. */
async function truth(rest: Rest, projectId: string): Promise<Map<string, string>> {
  const page = expectStatus(await rest.get(`/${projectId}/requests?status=100,200,300&limit=100`), 200);
  return new Map((page.requests as Req[]).map((r) => [r.request_id, JSON.stringify(r.tags)]));
}

async function converge(followers: Follower[], rest: Rest, projectId: string, timeoutMs = 20_000): Promise<void> {
  const expected = await truth(rest, projectId);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (followers.every((f) => f.matches(expected))) return;
    await new Promise((resolve) => setTimeout(resolve, 100)); // polling a condition, with a deadline
  }
  const behind = followers.filter((f) => !f.matches(expected));
  assert.fail(`${behind.length} of ${followers.length} clients differ from the database (e.g. ${behind[0]?.view.size} vs ${expected.size} requests)`);
}

describe('deskwire nodes as real processes on PostgreSQL and Redis', { skip: skipReason() }, () => {
  let cluster: ProcessCluster;
  let balancer: TcpBalancer;
  let desk: Desk;
  let writer: Rest;
  const followers: Follower[] = [];
  const limits = { WS_CONN_MAX_PER_USER: '2000', WS_CONN_MAX_PER_PROJECT: '5000', WS_CONN_RATE_USER_PER_MINUTE: '100000', WS_CONN_RATE_IP_PER_MINUTE: '100000' };

  before(async () => {
    cluster = await ProcessCluster.start(3, { ...limits, EVENT_GAP_CHECK_INTERVAL: '1s', DRAIN_SECONDS: '2', NODE_LIVENESS: '2s', PRESENCE_GRACE: '1s' });
    balancer = new TcpBalancer(cluster.nodes.map(ProcessCluster.portOf));
    await balancer.start();
    desk = await createDesk(cluster.nodes[0]!.url);
    writer = new Rest(cluster.nodes[0]!.url, desk.owner.token);
  });
  after(async () => {
    for (const f of followers) f.client.close();
    await balancer.close();
    await cluster.close();
  });

  /** Writes `count` request changes through node A, calling `midway` after half of them. */
  async function changes(count: number, midway: () => Promise<void>): Promise<void> {
    const rids: string[] = [];
    for (let i = 0; i < count; i++) {
      if (i === Math.floor(count / 2)) await midway();
      if (i % 3 === 0 || rids.length === 0) {
        const rid = newRequestId(desk.projectId);
        rids.push(rid);
        expectStatus(await writer.post(`/${desk.projectId}/requests/${rid}/messages`, { text: `change ${i}` }), 201);
      } else {
        expectStatus(await writer.patch(`/${desk.projectId}/requests/${rids[i % rids.length]}`, { tags: [`t${i}`] }), 200);
      }
    }
  }

  test('presence: an agent with connections on two nodes stays online while one remains, offline a grace period after the last', async () => {
    const [a, b] = cluster.nodes as [SpawnedServer, SpawnedServer];
    const agent = desk.agentB;
    const topic = `/${desk.projectId}/project_users/${agent.projectUserId}`;
    const watcher = await TestClient.connect(`${a.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(desk.supervisor.token)}`);
    watcher.subscribe(topic);
    await watcher.waitFor((f) => f.payload.topic === topic && f.payload.method === 'CREATE', 'the snapshot');
    const statuses = () => watcher.publishes(topic).filter((f) => f.payload.method === 'UPDATE').map((f) => f.payload.message.presence.status as string);
    const changesOf = () => statuses().filter((s, i, all) => i === 0 || s !== all[i - 1]);
    const url = (node: SpawnedServer) => `${node.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(agent.token)}`;
    const one = await TestClient.connect(url(a));
    const two = await TestClient.connect(url(b));
    await watcher.until(() => (changesOf().length === 1 ? true : undefined), 'online');
    await one.close();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than PRESENCE_GRACE: time passing is the case under test
    const marker = async (text: string) => {
      expectStatus(await agent.rest.put(`/${desk.projectId}/project_users`, { profileStatus: text }), 200);
      await watcher.until(() => (watcher.publishes(topic).some((f) => f.payload.message.profileStatus === text) ? true : undefined), text);
    };
    await marker('one-left');
    assert.deepEqual(changesOf(), ['online'], 'still online with one connection left on the other node');
    await two.close();
    await watcher.until(() => (changesOf().at(-1) === 'offline' ? true : undefined), 'offline', 10_000);
    await marker('none-left');
    assert.deepEqual(changesOf(), ['online', 'offline']);
    await watcher.close();
  });
  test('SIGKILL on a node holding subscribers while changes flow: its clients resume elsewhere, nothing missing or twice', async () => {
    const topic = `/${desk.projectId}/requests`;
    const url = `ws://127.0.0.1:${balancer.port}/v2/ws/`;
    for (let i = 0; i < 30; i++) followers.push(new Follower(url, desk.owner.token, topic));
    await converge(followers, writer, desk.projectId);
    const victim = cluster.nodes[1]!;
    await changes(60, async () => {
      balancer.remove(ProcessCluster.portOf(victim));
      await cluster.kill(victim);
    });
    await converge(followers, writer, desk.projectId);
    const moved = followers.filter((f) => f.lost.length > 0).length;
    assert.ok(moved >= 5 && moved < 30, `the killed node's clients (${moved} of 30) reconnected, the others did not need to`);
    assert.deepEqual(followers.flatMap((f) => f.duplicates()), [], 'no event handed to a handler twice');
  });

  test('Redis restarted while changes flow: no change is lost once it is back', async () => {
    await changes(30, async () => {
      await cluster.redis.stop();
      await cluster.redis.start();
    });
    await converge(followers, writer, desk.projectId);
    assert.deepEqual(followers.flatMap((f) => f.duplicates()), []);
  });

  test('SIGTERM on a node with 500 clients drains them (exit 0) and every client resumes elsewhere without loss', async () => {
    const topic = `/${desk.projectId}/requests`;
    const url = `ws://127.0.0.1:${balancer.port}/v2/ws/`;
    const [a, , drained] = cluster.nodes as [SpawnedServer, SpawnedServer, SpawnedServer];
    // All 500 connect to the node about to be drained; then the balancer sends new connections to node A only.
    balancer.remove(ProcessCluster.portOf(a));
    const crowd: Follower[] = [];
    for (let i = 0; i < 500; i++) crowd.push(new Follower(url, desk.owner.token, topic));
    followers.push(...crowd);
    await converge(crowd, writer, desk.projectId, 30_000);
    balancer.add(ProcessCluster.portOf(a));
    let exit: Promise<number | null> = Promise.resolve(null);
    await changes(30, async () => {
      balancer.remove(ProcessCluster.portOf(drained));
      exit = cluster.terminate(drained);
    });
    assert.equal(await exit, 0, 'the drained node exits 0');
    await converge(followers, writer, desk.projectId, 30_000);
    assert.equal(crowd.filter((f) => f.lost.includes(1001)).length, 500, 'every client of the drained node was sent away with 1001');
    assert.deepEqual(followers.flatMap((f) => f.duplicates()), []);
  });

});

describe('a per-user connection limit across node processes', { skip: skipReason() }, () => {
  let cluster: ProcessCluster;
  let desk: Desk;
  before(async () => {
    cluster = await ProcessCluster.start(2, { WS_CONN_MAX_PER_USER: '2', NODE_LIVENESS: '2s' });
    desk = await createDesk(cluster.nodes[0]!.url);
  });
  after(() => cluster.close());

  test('holds across nodes, and a killed node’s connections stop counting within NODE_LIVENESS', async () => {
    const [a, b] = cluster.nodes as [SpawnedServer, SpawnedServer];
    const url = (node: SpawnedServer) => `${node.url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(desk.agentA.token)}`;
    const held = [await TestClient.connect(url(b)), await TestClient.connect(url(b))];
    await assert.rejects(TestClient.connect(url(a)), (error: { status?: number; body?: string }) => {
      assert.equal(error.status, 429);
      assert.equal(JSON.parse(error.body!).error, 'CONN_LIMIT_USER');
      return true;
    });
    await cluster.kill(b);
    const killedAt = Date.now();
    let reopened: TestClient | null = null;
    while (!reopened && Date.now() - killedAt < 10_000) {
      reopened = await TestClient.connect(url(a)).catch(() => null);
      if (!reopened) await new Promise((resolve) => setTimeout(resolve, 250)); // polling a condition, with a deadline
    }
    const after = Date.now() - killedAt;
    assert.ok(reopened, 'a slot came back after the node died');
    assert.ok(after <= 2000 + 1500, `the dead node's connections stopped counting after ${after} ms (NODE_LIVENESS is 2 s)`);
    await reopened.close();
    for (const c of held) c.ws.terminate();
  });
});
