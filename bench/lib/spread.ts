/**
 * How clients are spread: over server nodes (client i on node i mod N) and over load generator processes (dealt
 * round-robin, so every generator holds a similar mix of nodes and visibility classes). Pure, so a test holds it.
 */

/** Sockets per generator process: well under the 20,000 hard fd limit (each socket is one fd). */
export const MAX_PER_GENERATOR = 15_000;

/** Item i goes to pile i mod `count`. */
export function deal<T>(items: readonly T[], count: number): T[][] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`cannot deal into ${count} piles`);
  const piles: T[][] = Array.from({ length: count }, () => []);
  items.forEach((item, i) => piles[i % count]!.push(item));
  return piles;
}

/** At least `wanted` generators (and one), and enough that none holds more than `maxPerGenerator` clients. */
export function generatorsFor(clients: number, wanted: number, maxPerGenerator = MAX_PER_GENERATOR): number {
  return Math.max(wanted, Math.ceil(clients / maxPerGenerator), 1);
}

/** Each client gets the index of the node it connects to, round-robin: node loads differ by at most one. */
export function spreadOverNodes<T extends object>(clients: readonly T[], nodes: number): (T & { node: number })[] {
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`cannot spread over ${nodes} nodes`);
  return clients.map((c, i) => ({ ...c, node: i % nodes }));
}

/** Clients per node, in node order. */
export function perNode(clients: readonly { node?: number }[], nodes: number): number[] {
  const counts = new Array<number>(nodes).fill(0);
  for (const c of clients) counts[c.node ?? 0]!++;
  return counts;
}
