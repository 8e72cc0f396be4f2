/**
 * A cache that keeps only the `limit` entries used last: a value asked for
 * again moves to the back, and a new one past the limit pushes out the one
 * left longest unused. Map keeps insertion order, which is that order.
 */
export class RecentCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** The value kept for `key`, else `make()`'s, kept. */
  get(key: K, make: () => V): V {
    const kept = this.entries.get(key);
    if (kept !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept;
    }
    const made = make();
    this.entries.set(key, made);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return made;
  }

  get size(): number {
    return this.entries.size;
  }
}
