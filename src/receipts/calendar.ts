/**
 * A reminder as an iCalendar file (RFC 5545) that any phone calendar imports: one all-day event on the date
 * the user gave, with an alarm at 09:00 that morning, saying what to check before the next deduction. Pure: the
 * caller passes the unique id and the time stamp.
 */

/**
 * What goes into the calendar file.
 *
 * @example
 * const input: ReminderEvent = { uid: 'r-1a2b@cancelmate', date: '2026-12-24', stamp: new Date(),
 *   title: '检查自动扣费是否已关闭', description: '打开微信支付 → …' };
 */
export interface ReminderEvent {
  /** Unique and stable for this reminder (a calendar replaces an event with the same uid). */
  uid: string;
  /** The day to remind on, YYYY-MM-DD (an all-day event, in whatever time zone the phone is in). */
  date: string;
  /** When the file was made (DTSTAMP). */
  stamp: Date;
  title: string;
  description: string;
}

/**
 * The `.ics` text for one reminder, lines folded at 75 octets and ended with CRLF as RFC 5545 requires.
 *
 * @example
 * reminderIcs({ uid: 'r-1@cancelmate', date: '2026-12-24', stamp: new Date(), title: 'Check', description: '…' });
 * // 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\n…'
 */
export function reminderIcs(event: ReminderEvent): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(event.date))
    throw new Error(`reminderIcs: date must be YYYY-MM-DD, got ${event.date}`);
  const day = event.date.replaceAll('-', '');
  const next = new Date(`${event.date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//CancelMate//Reminder//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${utcStamp(event.stamp)}`,
    `DTSTART;VALUE=DATE:${day}`,
    `DTEND;VALUE=DATE:${next.toISOString().slice(0, 10).replaceAll('-', '')}`,
    `SUMMARY:${escapeText(event.title)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    'TRANSP:TRANSPARENT',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `DESCRIPTION:${escapeText(event.title)}`,
    'TRIGGER:PT9H',
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/** RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines. */
function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

function utcStamp(d: Date): string {
  return `${d.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

/** Folds a content line to at most 75 octets per line, never splitting a UTF-8 character. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with one space
    if (bytes + size > limit) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join('\r\n ');
}
