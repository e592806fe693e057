import { createHash, timingSafeEqual } from 'node:crypto';
import type { Receipt } from '../receipts/types.ts';
import type { DB } from './database.ts';

/**
 * Signed receipts as handed out, each unlocked by a secret token whose hash is all we keep, plus the
 * user's data rights: everything about one conversation, deletion of it, and the retention purge.
 *
 * @example
 * const receipts = new ReceiptStore(db);
 * receipts.insert('c_1', receipt, token, now);
 * receipts.find(receipt.body.id, token); // the receipt, or undefined for a wrong token
 */
export class ReceiptStore {
  constructor(private readonly db: DB) {}

  /** Stores a receipt for a conversation. */
  insert(conversationId: string, receipt: Receipt, token: string, now: Date): void {
    this.db
      .prepare(
        'INSERT INTO receipts (id, conversation_id, token_hash, receipt, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(receipt.body.id, conversationId, hashToken(token), JSON.stringify(receipt), now.toISOString());
  }

  /** The receipt when `token` is the one handed out with it; undefined otherwise (same answer for unknown ids). */
  find(id: string, token: string): Receipt | undefined {
    const row = this.db.prepare('SELECT token_hash, receipt FROM receipts WHERE id = ?').get(id) as
      | { token_hash: string; receipt: string }
      | undefined;
    const given = Buffer.from(hashToken(token), 'hex');
    const stored = Buffer.from(row?.token_hash ?? '0'.repeat(64), 'hex');
    const match = timingSafeEqual(given, stored);
    return row && match ? (JSON.parse(row.receipt) as Receipt) : undefined;
  }

  /** The receipt when it belongs to `conversationId` (the web chat's own session), else undefined. */
  findOwned(id: string, conversationId: string): Receipt | undefined {
    const row = this.db
      .prepare('SELECT receipt FROM receipts WHERE id = ? AND conversation_id = ?')
      .get(id, conversationId) as { receipt: string } | undefined;
    return row ? (JSON.parse(row.receipt) as Receipt) : undefined;
  }

  /** Receipts issued in a conversation, oldest first. */
  listFor(conversationId: string): { id: string; createdAt: string; receipt: Receipt }[] {
    const rows = this.db
      .prepare(
        'SELECT id, created_at, receipt FROM receipts WHERE conversation_id = ? ORDER BY created_at, id',
      )
      .all(conversationId) as { id: string; created_at: string; receipt: string }[];
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      receipt: JSON.parse(r.receipt) as Receipt,
    }));
  }
}

/** Deletes a conversation and, by cascade, its transcript, processed ids and receipts. Returns rows removed. */
export function deleteConversation(db: DB, conversationId: string): number {
  return db.prepare('DELETE FROM conversations WHERE id = ?').run(conversationId).changes;
}

/**
 * Deletes conversations untouched since `cutoff` (with everything that cascades from them), and
 * processed-message records older than `processedCutoff`. Returns how many of each went.
 */
export function purgeStale(
  db: DB,
  cutoff: Date,
  processedCutoff: Date,
): { conversations: number; processed: number } {
  return db.transaction(() => ({
    conversations: db.prepare('DELETE FROM conversations WHERE updated_at < ?').run(cutoff.toISOString())
      .changes,
    processed: db.prepare('DELETE FROM processed WHERE at < ?').run(processedCutoff.toISOString()).changes,
  }))();
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
