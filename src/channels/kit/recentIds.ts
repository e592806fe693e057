/**
 * A small in-memory LRU of message ids (Telegram `update_id`s, WeChat MsgIds) a channel has answered on its
 * own, so a redelivered update (a webhook retry after a timeout, a re-queued poll) is not answered twice.
 *
 * It covers only a channel's own replies (the "please type" hint, the group pointer), which never reach the
 * engine. Messages for the engine are de-duplicated by the engine itself (`handle(…).duplicate`, per
 * `messageId`, across restarts). The trade-off here: after a restart a redelivered sticker gets its hint
 * again. An id whose reply failed to send is forgotten again, so a redelivery can retry.
 *
 * @example
 * ```ts
 * const recent = new RecentIds(1000);
 * recent.claim(101); // true: handle it
 * recent.claim(101); // false: a duplicate, skip
 * recent.release(101); // sending failed; let a redelivery try again
 * ```
 */
export class RecentIds<Id extends string | number = number> {
  private readonly ids = new Set<Id>();

  constructor(private readonly capacity = 2000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('RecentIds: capacity must be ≥ 1');
  }

  /** True the first time an id is seen (and remembers it); false for a duplicate. */
  claim(updateId: Id): boolean {
    if (this.ids.has(updateId)) return false;
    this.ids.add(updateId);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  /** Forgets an id, so a redelivery of it is handled again. */
  release(updateId: Id): void {
    this.ids.delete(updateId);
  }

  /** How many ids are remembered. */
  get size(): number {
    return this.ids.size;
  }
}
