/**
 * The cluster bench spreads clients over nodes and load generators; a slip here (a node with no clients, a
 * generator past the fd limit) would make the figures wrong without failing the run, so the arithmetic is held here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PER_GENERATOR, deal, generatorsFor, perNode, spreadOverNodes } from '../../bench/lib/spread.js';

const clients = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));

test('50,000 clients over 3 nodes: round-robin, node loads differ by at most one', () => {
  const spread = spreadOverNodes(clients(50_000), 3);
  assert.deepEqual(perNode(spread, 3), [16_667, 16_667, 16_666]);
  assert.deepEqual(spread.slice(0, 4).map((c) => c.node), [0, 1, 2, 0]);
  assert.equal(spread[4]!.id, 4, 'clients keep their order and fields');
});

test('load generators: never more than 15,000 sockets each, never fewer than asked', () => {
  assert.equal(generatorsFor(50_000, 3), 4);
  assert.equal(generatorsFor(19_000, 3), 3);
  assert.equal(generatorsFor(45_000, 1), 3);
  assert.equal(generatorsFor(45_001, 1), 4);
  assert.equal(generatorsFor(0, 0), 1);
  const piles = deal(spreadOverNodes(clients(50_000), 3), generatorsFor(50_000, 3));
  assert.equal(piles.length, 4);
  for (const pile of piles) {
    assert.ok(pile.length <= MAX_PER_GENERATOR, `a generator holds ${pile.length}`);
    // 4 generators over 3 nodes: each generator talks to every node, about equally.
    for (const n of perNode(pile, 3)) assert.ok(Math.abs(n - pile.length / 3) <= 1, `uneven: ${perNode(pile, 3).join('/')}`);
  }
  assert.equal(piles.flat().length, 50_000);
});

test('one node and clients without a node index: everything counts on node 0', () => {
  const noNode: { node?: number }[] = Array.from({ length: 5 }, () => ({}));
  assert.deepEqual(perNode(noNode, 1), [5]);
  assert.throws(() => spreadOverNodes(clients(3), 0));
  assert.throws(() => deal(clients(3), 0));
});
