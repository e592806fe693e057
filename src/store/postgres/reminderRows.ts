/**
 * The reminders table as the PostgreSQL store reads it: a row as selected, and the row as the port's
 * {@link StoredReminder} (times as ISO text).
 */
import type { StoredReminder } from '../port.ts';

/**
 * A reminders row as selected.
 *
 * @example
 * const { rows } = await client.query<ReminderRow>('SELECT * FROM reminders WHERE id = $1', [id]);
 */
export interface ReminderRow {
  id: string;
  conversation_id: string;
  channel: string;
  address: string;
  day: string;
  due_at: Date;
  lang: string;
  text: string;
  created_at: Date;
}

/**
 * A reminders row as the port hands it out.
 *
 * @example
 * toReminder(row).dueAt; // '2026-12-24T01:00:00.000Z'
 */
export function toReminder(row: ReminderRow): StoredReminder {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channel: row.channel,
    address: row.address,
    day: row.day,
    dueAt: row.due_at.toISOString(),
    lang: row.lang,
    text: row.text,
    createdAt: row.created_at.toISOString(),
  };
}
