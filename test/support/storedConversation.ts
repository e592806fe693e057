import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { App } from '../../src/app.ts';
import type { ConversationState } from '../../src/dialogue/conversation.ts';

/**
 * A channel user's conversation as stored, read from the database file through a read-only connection —
 * what a reviewer with the file would see, and independent of the store's own API.
 *
 * @example
 * storedConversation(t.app, 'telegram', '42')?.state; // 'notice_q'
 */
export function storedConversation(app: App, channel: string, userId: string): ConversationState | undefined {
  const db = new Database(join(app.config.DATA_DIR, 'cancelmate.sqlite'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const row = db
      .prepare('SELECT state FROM conversations WHERE id = ?')
      .get(app.engine.conversationOf(channel, userId)) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as ConversationState) : undefined;
  } finally {
    db.close();
  }
}
