/**
 * An index of sets by key (subscriptions by topic, connections by user) that holds only keys in use: a set is made
 * on its first value and dropped with its last, so a channel or user that is gone leaves no entry behind.
 */
export function addToIndex<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let values = index.get(key);
  if (values === undefined) index.set(key, (values = new Set()));
  values.add(value);
}

export function removeFromIndex<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const values = index.get(key);
  if (values?.delete(value) && values.size === 0) index.delete(key);
}
