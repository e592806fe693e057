import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { reminderIcs } from '../../src/receipts/calendar.ts';

/** The reminder file, read back by an independent iCalendar parser (Mozilla's ical.js). */
describe('reminderIcs', () => {
  const event = {
    uid: 'r-3f2a9c1d@cancelmate',
    date: '2026-12-24',
    stamp: new Date('2026-11-30T08:15:00Z'),
    title: '检查爱奇艺 VIP 的自动续费是否已关闭',
    description:
      '下一个扣费日前，打开微信支付 → 我 → 服务 → 钱包 → 支付设置 → 自动续费，确认这一项已经不见了; 如果还在，再关一次, 并截图。\n第二行：A,B;C\\D',
  };

  it('is a valid calendar with one all-day event on the given date and a morning alarm', () => {
    const text = reminderIcs(event);
    const component = new ICAL.Component(ICAL.parse(text));
    const vevent = component.getFirstSubcomponent('vevent');
    expect(vevent).not.toBeNull();
    const e = new ICAL.Event(vevent ?? undefined);
    expect(e.uid).toBe(event.uid);
    expect(e.summary).toBe(event.title);
    expect(e.description).toBe(event.description);
    expect(e.startDate.isDate).toBe(true);
    expect(e.startDate.toString()).toBe('2026-12-24');
    expect(e.endDate.toString()).toBe('2026-12-25');
    const alarm = vevent?.getFirstSubcomponent('valarm');
    expect(alarm?.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(String(alarm?.getFirstPropertyValue('trigger'))).toBe('PT9H');
  });

  it('folds long lines at 75 octets without splitting a character, and ends lines with CRLF', () => {
    const text = reminderIcs(event);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(text).not.toContain('\uFFFD');
  });

  it('ends an event on the last day of a month on the first of the next', () => {
    const text = reminderIcs({ ...event, date: '2027-02-28' });
    expect(text).toContain('DTSTART;VALUE=DATE:20270228');
    expect(text).toContain('DTEND;VALUE=DATE:20270301');
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => reminderIcs({ ...event, date: '24.12.2026' })).toThrow(/YYYY-MM-DD/);
  });
});
