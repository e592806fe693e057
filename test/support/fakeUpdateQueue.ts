/**
 * The update queue behind the fake `getUpdates`: real long polling (a request waits until an update
 * arrives or its timeout passes), `offset` confirmation, `limit`, and redelivery of a repeated id.
 */
import type { Update } from 'grammy/types';
import { BotApiError } from './fakeBotApiHttp.ts';
import type { IdSequence } from './fakeUpdates.ts';

/** An update to queue; `update_id` is assigned when missing. */
export type PendingUpdate = Omit<Update, 'update_id'> & { update_id?: number };

/** The parameters of one `getUpdates` call, already read as numbers. */
export interface PollRequest {
  offset?: number;
  limit?: number;
  /** Seconds to wait for an update when none is queued (0 = answer at once). */
  timeout?: number;
  /** Aborted when the client goes away (grammY aborts its poll on `bot.stop()`). */
  signal: AbortSignal;
}

interface Entry {
  update: Update;
  delivered: boolean;
}

const CONFLICT =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

/**
 * Queues updates for `getUpdates`. An update is dropped once a poll's `offset` is above its id *and*
 * it has been delivered, so an update pushed again with an old id (a redelivery) still reaches the
 * bot once. A new poll ends a waiting one with 409, as Telegram does.
 *
 * @example
 * ```ts
 * const queue = new UpdateQueue(new IdSequence());
 * queue.push({ message: … });
 * const updates = await queue.poll({ offset: 0, timeout: 30, signal });
 * ```
 */
export class UpdateQueue {
  private entries: Entry[] = [];
  private waiting: { wake: () => void; conflict: () => void } | undefined;
  private closed = false;

  constructor(private readonly ids: IdSequence) {}

  /** Queues an update and wakes a waiting poll; returns its `update_id`. */
  push(update: PendingUpdate): number {
    let id = update.update_id;
    if (id === undefined) id = this.ids.next();
    else this.ids.observe(id);
    this.entries.push({ update: { ...update, update_id: id } as Update, delivered: false });
    this.waiting?.wake();
    return id;
  }

  /** Updates not yet confirmed by an `offset`. */
  get pendingCount(): number {
    return this.entries.length;
  }

  /** Forgets every queued update (`drop_pending_updates`). */
  clear(): void {
    this.entries = [];
  }

  /** Ends every waiting poll with an empty result and refuses to wait from now on. */
  close(): void {
    this.closed = true;
    this.waiting?.wake();
  }

  /** Answers one `getUpdates` call, waiting up to `timeout` seconds for an update. */
  async poll(req: PollRequest): Promise<Update[]> {
    this.waiting?.conflict();
    this.confirm(req.offset ?? 0);
    const limit = Math.min(Math.max(req.limit ?? 100, 1), 100);
    const ready = this.take(limit);
    const timeoutMs = Math.max(req.timeout ?? 0, 0) * 1000;
    if (ready.length > 0 || timeoutMs === 0 || this.closed || req.signal.aborted) return ready;
    await new Promise<void>((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(timer);
        req.signal.removeEventListener('abort', wake);
        if (this.waiting === waiter) this.waiting = undefined;
      };
      const wake = () => {
        cleanUp();
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      const waiter = {
        wake,
        conflict: () => {
          cleanUp();
          reject(new BotApiError({ error_code: 409, description: CONFLICT }));
        },
      };
      req.signal.addEventListener('abort', wake);
      this.waiting = waiter;
    });
    return req.signal.aborted ? [] : this.take(limit);
  }

  private confirm(offset: number): void {
    if (offset < 0) {
      this.entries = this.entries.slice(offset);
      return;
    }
    this.entries = this.entries.filter((e) => !(e.delivered && e.update.update_id < offset));
  }

  /** Telegram answers with every unconfirmed update, in order; the bot confirms them by `offset`. */
  private take(limit: number): Update[] {
    const batch = this.entries.slice(0, limit);
    for (const e of batch) e.delivered = true;
    return batch.map((e) => e.update);
  }
}
