/**
 * A small in-memory map with a size bound and a time to live: the oldest entry goes when the bound is
 * reached, and an entry older than its TTL reads as absent. Holds the WeChat messages being answered in this
 * process, so a retry arriving meanwhile waits for the same answer (what outlives a message is in the channel
 * memo, shared by replicas: see memo.ts).
 *
 * @example
 * const recent = new BoundedCache<string, string>({ maxEntries: 1000, ttlMs: 60_000 });
 * recent.set('k', 'v');
 * recent.get('k'); // 'v' (until 60 s have passed or 1000 newer keys arrived)
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  constructor(private readonly opts: { maxEntries: number; ttlMs: number; now?: () => number }) {
    if (opts.maxEntries < 1) throw new RangeError('maxEntries must be at least 1');
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The value, unless absent or expired (an expired entry is removed). */
  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** Stores `value` with a fresh TTL, as the newest entry; evicts the oldest beyond the bound. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + this.opts.ttlMs });
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Removes `key`; true if it was there. */
  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** How many entries are held (expired ones included until read or evicted). */
  get size(): number {
    return this.entries.size;
  }
}
