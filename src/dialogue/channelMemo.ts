/**
 * The channel memo, as the engine hands it to a channel: a short JSON text per conversation that a channel
 * keeps between messages (WeChat: the unread pages of a long reply, its letters, replies that missed the
 * deadline, the text given per message id for Tencent's retries), in the shared store, so every replica
 * continues where another left off and a restart loses nothing.
 *
 * - A memo lives with its conversation: there is none before the first dialogue message, "forget me" and
 *   the retention purge delete it, and an edit for a conversation that does not exist (never started, or
 *   just forgotten) stores nothing.
 * - An edit runs in the conversation's transaction (the same lock as {@link Engine.handle}), so two replicas
 *   editing one user's memo take turns: a page is handed out once, a late reply goes out once.
 * - The store never holds a receipt link token (it keeps only their hashes): a token of one of the
 *   conversation's receipts is written as a marker and put back on reading (tokens derive from the salt).
 *   A marker naming a receipt of another conversation stays a marker.
 * - At most {@link MAX_MEMO_BYTES}: a channel keeps its memo well under that (WeChat caps pages and letters).
 */
import { receiptToken } from '../store/identity.ts';
import type { ReadTx, StorePort } from '../store/port.ts';

/**
 * The largest memo the engine stores (UTF-8 bytes, tokens as markers); a bigger one is refused.
 *
 * @example
 * Buffer.byteLength(memo) <= MAX_MEMO_BYTES; // WeChat's stays under 100 KB by its caps
 */
export const MAX_MEMO_BYTES = 256 * 1024;

/**
 * What an edit returns: the `value` to hand back, and the memo to keep — a string to store, `null` to
 * delete it, absent to leave it as it was.
 *
 * @example
 * const edit: MemoEdit<string> = { value: 'page 2', memo: JSON.stringify({ pages: [] }) };
 */
export interface MemoEdit<T> {
  value: T;
  memo?: string | null;
}

/**
 * One channel user's memo ({@link Engine.channelMemo}).
 *
 * @example
 * const memo = engine.channelMemo('wechat', openid);
 * const page = await memo.edit((text) => ({ value: 'page 2', memo: text ?? null }));
 */
export interface ChannelMemo {
  /** The memo, or undefined when there is none (or no conversation). Rejects when the store does. */
  read(): Promise<string | undefined>;
  /**
   * Reads and rewrites the memo in one transaction holding the conversation. `change` may run more than
   * once (a store may run the transaction again): keep it free of side effects. Rejects when the store
   * does, when `change` throws, or for a memo over {@link MAX_MEMO_BYTES} (then nothing changed).
   */
  edit<T>(change: (memo: string | undefined) => MemoEdit<T>): Promise<T>;
}

const MARKER = /⟨receipt-token:([^⟩\s]{1,64})⟩/g;

/**
 * The memo of the conversation `conversationId` on `store` (the engine builds it with its salt and clock).
 *
 * @example
 * const memo = channelMemo({ store, salt, clock: () => new Date() }, engine.conversationOf('wechat', openid));
 */
export function channelMemo(
  deps: { store: StorePort; salt: string; clock: () => Date },
  conversationId: string,
): ChannelMemo {
  const { store, salt } = deps;
  return {
    read: () =>
      store.read(conversationId, (tx) => {
        const memo = tx.memo();
        return memo === undefined ? undefined : reveal(memo, tx, salt);
      }),
    edit: (change) => {
      const now = deps.clock();
      return store.transact(conversationId, (tx) => {
        if (tx.load() === undefined) return change(undefined).value;
        const stored = tx.memo();
        const { value, memo } = change(stored === undefined ? undefined : reveal(stored, tx, salt));
        if (memo === null) {
          if (stored !== undefined) tx.setMemo(undefined, now);
        } else if (memo !== undefined) {
          const hidden = conceal(memo, tx, salt);
          const bytes = Buffer.byteLength(hidden);
          if (bytes > MAX_MEMO_BYTES)
            throw new RangeError(
              `a channel memo of ${bytes} bytes is over the ${MAX_MEMO_BYTES}-byte limit: the channel must keep fewer pages or letters in it`,
            );
          if (hidden !== stored) tx.setMemo(hidden, now);
        }
        return value;
      });
    },
  };
}

/** The memo with each of the conversation's receipt tokens replaced by its marker. */
function conceal(memo: string, tx: Pick<ReadTx, 'receipts'>, salt: string): string {
  let out = memo;
  for (const r of tx.receipts()) out = out.replaceAll(receiptToken(salt, r.id), `⟨receipt-token:${r.id}⟩`);
  return out;
}

/** The memo with the markers of the conversation's receipts replaced by their tokens. */
function reveal(memo: string, tx: Pick<ReadTx, 'receipts'>, salt: string): string {
  if (!memo.includes('⟨receipt-token:')) return memo;
  const own = new Set(tx.receipts().map((r) => r.id));
  return memo.replace(MARKER, (marker, id: string) => (own.has(id) ? receiptToken(salt, id) : marker));
}
