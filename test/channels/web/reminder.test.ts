import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../../src/channels/web/chatRequest.ts';
import {
  chat,
  nextId,
  postChat,
  press,
  sessionCookieOf,
  startTestServer,
  type TestServer,
} from './harness.ts';

// The reminder through the web chat's API (POST /api/chat) on a real server: the calendar file comes inline
// in `files`, for the page to offer as a download; the web chat cannot write later, so no message is offered.
let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.close();
});

describe('web chat: a reminder before the next deduction', () => {
  it('answers the day with the .ics file in `files`', async () => {
    const page = await t.server.inject({ method: 'GET', url: '/' });
    const cookie = sessionCookieOf(page);
    await postChat(t.server, { text: '/start', messageId: nextId() }, { cookie });
    let last: ChatResponse | undefined;
    for (const text of ['取消会员', '爱奇艺', '自动续费', 'App'])
      last = await chat(t.server, cookie, { text });
    last = await press(t.server, cookie, last as ChatResponse, /成功了/);
    last = await press(t.server, cookie, last, /提醒我在下次扣费日前检查/);
    const gone = await chat(t.server, cookie, { text: '昨天' });
    expect(gone.replies.some((r) => r.files)).toBe(false);
    const set = await chat(t.server, cookie, { text: '下个月15号' });

    const reply = set.replies.find((r) => r.files?.length);
    expect(reply?.text).toMatch(
      /^提醒日：\d{4}年\d{1,2}月15日（星期.）。附件 cancelmate-reminder-\d{4}-\d{2}-15\.ics/,
    );
    const [file] = reply?.files ?? [];
    expect(file?.filename).toMatch(/^cancelmate-reminder-\d{4}-\d{2}-15\.ics$/);
    expect(file?.contentType).toBe('text/calendar; charset=utf-8');
    const vevent = new ICAL.Component(ICAL.parse(file?.content ?? '')).getFirstSubcomponent('vevent');
    const event = new ICAL.Event(vevent ?? undefined);
    expect(event.startDate.toString()).toBe(
      file?.filename.slice('cancelmate-reminder-'.length, -'.ics'.length),
    );
    expect(event.summary).toBe('检查「爱奇艺 VIP」的自动扣费是否已关闭');
    expect(set.replies.at(-1)?.choices.map((c) => c.id)).toEqual(['refund', 'done', '_back']);
    expect(JSON.stringify(set)).not.toContain('聊天 ID');
  });
});
