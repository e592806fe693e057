import type { Statement } from 'better-sqlite3';
import type { ConversationState } from '../dialogue/conversation.ts';
import type { Reply } from '../dialogue/types.ts';
import {
  chainEntry,
  GENESIS,
  type TranscriptContent,
  type TranscriptEntry,
} from '../receipts/transcriptChain.ts';
import type { DB } from './database.ts';

/**
 * Rows for conversations, their hash-chained transcript and the message ids already answered.
 * Every method is synchronous; the engine calls them inside one `transaction()` per inbound message.
 *
 * @example
 * const store = new ConversationStore(openDatabase('./data'));
 * store.transaction(() => store.append('c_1', 'terminal', [{ at, dir: 'in', text: 'hi' }], now));
 */
export class ConversationStore {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: DB) {}

  /** A prepared statement, prepared once per SQL text (preparing is a tenth of a message's cost). */
  private sql(text: string): Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  /** Runs `fn` in one SQLite transaction (rolled back if it throws). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The stored state, or undefined for a new user. Unreadable JSON is treated as absent (and logged by the caller). */
  load(id: string): ConversationState | undefined {
    const row = this.sql('SELECT state FROM conversations WHERE id = ?').get(id) as
      | { state: string }
      | undefined;
    return row ? (JSON.parse(row.state) as ConversationState) : undefined;
  }

  /** Inserts or updates the conversation row (transcript counters are kept by {@link append}). */
  save(id: string, channel: string, state: ConversationState, now: Date): void {
    const at = now.toISOString();
    this.sql(
      `INSERT INTO conversations (id, channel, state, seq, head, created_at, updated_at)
         VALUES (@id, @channel, @state, 0, @genesis, @at, @at)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    ).run({ id, channel, state: JSON.stringify(state), genesis: GENESIS, at });
  }

  /** Appends entries to the transcript, chaining each to the one before; returns them with their hashes. */
  append(id: string, contents: readonly Omit<TranscriptContent, 'seq'>[]): TranscriptEntry[] {
    const row = this.sql('SELECT seq, head FROM conversations WHERE id = ?').get(id) as
      | { seq: number; head: string }
      | undefined;
    if (!row) throw new Error(`append: conversation ${id} has not been saved`);
    let { seq, head } = row;
    const insert = this.sql(
      `INSERT INTO transcript (conversation_id, seq, at, dir, text, choices, prev, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const out: TranscriptEntry[] = [];
    for (const c of contents) {
      seq += 1;
      const e = chainEntry(head, { ...c, seq });
      insert.run(
        id,
        e.seq,
        e.at,
        e.dir,
        e.text,
        e.choices ? JSON.stringify(e.choices) : null,
        e.prev,
        e.hash,
      );
      head = e.hash;
      out.push(e);
    }
    this.sql('UPDATE conversations SET seq = ?, head = ? WHERE id = ?').run(seq, head, id);
    return out;
  }

  /** The whole transcript, oldest first. */
  transcript(id: string): TranscriptEntry[] {
    const rows = this.sql(
      'SELECT seq, at, dir, text, choices, prev, hash FROM transcript WHERE conversation_id = ? ORDER BY seq',
    ).all(id) as (Omit<TranscriptEntry, 'choices'> & { choices: string | null })[];
    return rows.map(({ choices, ...r }) =>
      choices ? { ...r, choices: JSON.parse(choices) as string[] } : r,
    );
  }

  /** The replies given the first time this message id was handled, if it was. */
  processed(id: string, messageId: string): Reply[] | undefined {
    const row = this.sql('SELECT replies FROM processed WHERE conversation_id = ? AND message_id = ?').get(
      id,
      messageId,
    ) as { replies: string } | undefined;
    return row ? (JSON.parse(row.replies) as Reply[]) : undefined;
  }

  /** Records that this message id was handled, with its replies. */
  markProcessed(id: string, messageId: string, replies: readonly Reply[], now: Date): void {
    this.sql('INSERT INTO processed (conversation_id, message_id, replies, at) VALUES (?, ?, ?, ?)').run(
      id,
      messageId,
      JSON.stringify(replies),
      now.toISOString(),
    );
  }
}
