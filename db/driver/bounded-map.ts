/**
 * Sets `key` in `map`, first dropping the entry set longest ago when the map holds `max` already: a
 * cache keyed by statement text stays bounded even if a caller builds texts from its input.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  if (map.size >= max) map.delete(map.keys().next().value as K);
  map.set(key, value);
  return value;
}
