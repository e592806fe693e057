/**
 * What the engine keeps per handled message so that a redelivery (Telegram resends updates, WeChat retries
 * three times) gets the same answer and changes nothing: the replies as text and choices, with a receipt
 * reduced to its id and a data export to a mark. No link token and no receipt or export file is stored — the
 * token is derived again from the salt and the files rendered again from the stored receipt or the current
 * data; a reminder's calendar file is made again from its source (day, platform, language, time stamp).
 */
import type { Receipt } from '../receipts/types.ts';
import type { ConversationTx } from '../store/port.ts';
import { calendarFile } from './calendarView.ts';
import type { ConversationState } from './conversation.ts';
import { dataExportReply, type EffectDeps, EXPORT_FILE, receiptReply } from './effects.ts';
import type { CalendarSource, Reply } from './types.ts';

/** One reply as recorded (a receipt's reply without its text: the text carries the link with its token). */
interface RecordedReply extends Omit<Reply, 'attachments' | 'receipt' | 'text'> {
  text?: string;
  /** The receipt this reply handed out (its text, links and files are rendered again from the stored receipt). */
  receiptId?: string;
  /** This reply carried the data export. */
  dataExport?: true;
  /** The calendar files it carried, by what they were made from. */
  calendars?: CalendarSource[];
}

/**
 * The record of one handled message.
 *
 * @example
 * const record: ProcessedRecord = { v: 1, replies: [{ text: '你想做什么？', choices: [], turn: 1 }] };
 */
export interface ProcessedRecord {
  v: 1;
  replies: RecordedReply[];
}

/**
 * The record to keep for `replies` (JSON text for the store).
 *
 * @example
 * tx.markProcessed(messageId, recordOf(replies), now);
 */
export function recordOf(replies: readonly Reply[]): string {
  const record: ProcessedRecord = {
    v: 1,
    replies: replies.map(({ attachments = [], receipt, text, ...rest }) => {
      if (receipt) return { ...rest, receiptId: receipt.id };
      const calendars = attachments.flatMap((a) => (a.calendar ? [a.calendar] : []));
      return {
        ...rest,
        text,
        ...(attachments.some((a) => a.filename === EXPORT_FILE) ? { dataExport: true as const } : {}),
        ...(calendars.length ? { calendars } : {}),
      };
    }),
  };
  return JSON.stringify(record);
}

/**
 * The replies a redelivered message gets: the recorded ones, with a receipt's token and files and the data
 * export rebuilt. A record that cannot be read (written by a future version) gives undefined.
 *
 * @example
 * const again = repliesFromRecord(deps, tx, stored, conv);
 */
export function repliesFromRecord(
  deps: EffectDeps,
  tx: Pick<ConversationTx, 'conversationId' | 'transcript' | 'receipts' | 'reminders'>,
  json: string,
  conv: ConversationState | undefined,
  now: Date,
): Reply[] | undefined {
  let record: ProcessedRecord;
  try {
    record = JSON.parse(json) as ProcessedRecord;
  } catch {
    return undefined;
  }
  if (record?.v !== 1 || !Array.isArray(record.replies)) return undefined;
  const lang = conv?.lang ?? 'zh-CN';
  return record.replies.map(({ receiptId, dataExport, calendars, text, ...rest }): Reply => {
    const files = (calendars ?? []).map((source) => calendarFile(deps.bundle, deps.tr, source));
    const reply: Reply = { ...rest, text: text ?? '', ...(files.length ? { attachments: files } : {}) };
    if (receiptId) {
      const stored = tx.receipts().find((r) => r.id === receiptId);
      if (!stored) return { ...reply, text: deps.tr.common(lang, 'receiptNone') };
      return { ...reply, ...receiptReply(deps, JSON.parse(stored.json) as Receipt, lang) };
    }
    if (dataExport && conv) {
      const files = dataExportReply(deps, tx, conv, now).attachments;
      return files ? { ...reply, attachments: files } : reply;
    }
    return reply;
  });
}
