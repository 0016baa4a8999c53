/**
 * The lookup of a least-recently-used cache kept in a Map: a Map iterates in insertion order,
 * so re-inserting what was read keeps the least recently used entry first, the one to evict.
 */
export function getRecentlyUsed<K, V>(entries: Map<K, V>, key: K): V | undefined {
  const value = entries.get(key);
  if (value !== undefined) {
    entries.delete(key);
    entries.set(key, value);
  }
  return value;
}
