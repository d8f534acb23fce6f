import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import type { Bus } from '../../src/events/bus.js';
import type { ProjectEvent } from '../../src/events/event.js';
import { MemoryBus } from '../../src/events/memory-bus.js';
import { RedisBus } from '../../src/events/redis-bus.js';
import { redisLink, redisSkipReason } from '../support/redis.js';
import { sampleMessageEvent } from '../support/sample-entities.js';

/** Two nodes' buses on one transport: what one publishes, both receive. */
interface BusPair {
  a: Bus;
  b: Bus;
  close(): Promise<void>;
}

const skipReason = () => redisSkipReason('Redis bus');

const implementations: { name: string; skip: string | false; make: () => Promise<BusPair> }[] = [
  {
    name: 'memory',
    skip: false,
    async make() {
      const bus = new MemoryBus();
      return { a: bus, b: bus, close: () => bus.close() };
    },
  },
  {
    name: 'redis',
    skip: skipReason(),
    async make() {
      const links = [redisLink(process.env.REDIS_URL!), redisLink(process.env.REDIS_URL!)] as const;
      const a = new RedisBus(links[0]);
      const b = new RedisBus(links[1]);
      await Promise.all(links.map((l) => l.start()));
      assert.deepEqual(links.map((l) => l.state), ['up', 'up'], 'both links subscribed');
      return {
        a,
        b,
        async close() {
          await Promise.all([a.close(), b.close()]);
          await Promise.all(links.map((l) => l.close()));
        },
      };
    },
  },
];

let counter = 0;
function event(projectId: string, seq: number): ProjectEvent {
  counter += 1;
  return sampleMessageEvent(projectId, seq, `m${counter}`, { attributes: { nested: { ok: true } } });
}

/** Collects events for one project until `count` arrived, or fails with what did arrive. */
function collect(bus: Bus, projectId: string, count: number, deadlineMs = 5000): Promise<ProjectEvent[]> {
  const got: ProjectEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`expected ${count} events, got ${got.length}: ${got.map((e) => e.seq).join(',')}`));
    }, deadlineMs);
    const stop = bus.subscribe((e) => {
      if (e.projectId !== projectId) return;
      got.push(e);
      if (got.length === count) {
        clearTimeout(timer);
        stop();
        resolve(got);
      }
    });
  });
}

for (const impl of implementations) {
  describe(`bus contract (${impl.name})`, { skip: impl.skip }, () => {
    const pairs: BusPair[] = [];
    const make = async () => {
      const pair = await impl.make();
      pairs.push(pair);
      return pair;
    };
    after(async () => {
      for (const p of pairs) await p.close();
    });

    test('every subscriber on every node receives each event once, in publish order, intact', async () => {
      const { a, b } = await make();
      const project = `p${randomBytes(4).toString('hex')}`;
      const sent = Array.from({ length: 200 }, (_, i) => event(project, i + 1));
      const onA = collect(a, project, 200);
      const onB = collect(b, project, 200);
      for (let i = 0; i < sent.length; i += 20) await a.publish(sent.slice(i, i + 20));
      for (const got of await Promise.all([onA, onB])) assert.deepEqual(got, sent);
    });

    test('an unsubscribed handler receives nothing more', async () => {
      const { a, b } = await make();
      const project = `p${randomBytes(4).toString('hex')}`;
      const late: ProjectEvent[] = [];
      const stop = b.subscribe((e) => e.projectId === project && late.push(e));
      stop();
      const witness = collect(b, project, 1);
      await a.publish([event(project, 1)]);
      await witness;
      assert.deepEqual(late, []);
    });
  });
}
