import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import ICAL from 'ical.js';
import { afterAll, describe, expect, it } from 'vitest';
import { runTerminalChat } from '../../../src/channels/terminal/chat.ts';
import { testApp } from '../../support/app.ts';

// The reminder through the terminal's own chat loop (what `npm run chat` runs): the calendar file is saved
// where the chat saves files and its path printed; the terminal cannot write later, so no message is offered.
const t = await testApp({}, { clock: () => new Date('2026-11-25T04:00:00Z') });
const saveDir = mkdtempSync(join(tmpdir(), 'cancelmate-terminal-files-'));
afterAll(async () => {
  await t.cleanup();
  rmSync(saveDir, { recursive: true, force: true });
});

describe('terminal: a reminder before the next deduction', () => {
  it('saves the calendar file and prints where', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (c: Buffer) => {
      printed += c.toString('utf8');
    });
    const done = runTerminalChat({ engine: t.app.engine, input, output, user: 'local', saveDir });
    for (const line of [
      '取消会员',
      '爱奇艺',
      '自动续费',
      'App',
      '成功了',
      '提醒我在下次扣费日前检查',
      '12月24日',
    ])
      input.write(`${line}\n`);
    input.end();
    await done;
    const path = join(saveDir, 'cancelmate-reminder-2026-12-24.ics');
    expect(printed).toContain(`提醒日：2026年12月24日（星期四）`);
    expect(printed).toContain(`→ ${path}`);
    expect(printed).not.toContain('聊天 ID');
    const vevent = new ICAL.Component(ICAL.parse(readFileSync(path, 'utf8'))).getFirstSubcomponent('vevent');
    const event = new ICAL.Event(vevent ?? undefined);
    expect(event.startDate.toString()).toBe('2026-12-24');
    expect(event.summary).toBe('检查「爱奇艺 VIP」的自动扣费是否已关闭');
  });
});
