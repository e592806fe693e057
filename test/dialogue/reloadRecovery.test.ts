import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENGINE_CHOICES } from '../../src/dialogue/choices.ts';
import type { ConversationState } from '../../src/dialogue/conversation.ts';
import { followFlowChange, positionProblem } from '../../src/dialogue/flowChange.ts';
import { step } from '../../src/dialogue/step.ts';
import type { Reply } from '../../src/dialogue/types.ts';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { createTranslator } from '../../src/i18n/translator.ts';
import { ROOT } from '../support/app.ts';

// Conversations across flow edits, through the pure step: a stored conversation stepped with an older flow
// version that points at something the flows no longer have moves to the nearest question that still fits,
// with one short notice. (test/dialogue/reload.test.ts edits real files under a running app.)
const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
const env = { bundle, tr: createTranslator(bundle.locales) };
const now = new Date('2026-11-25T08:00:00Z');
const MOVED = '指南已经更新过，我们上次停留的那一步已经变了';
const RESTARTED = '指南已经更新过，我们从头开始';

let n = 0;
function send(conv: ConversationState | undefined, input: { text?: string; choice?: string; turn?: number }) {
  n += 1;
  return step(env, conv, { channel: 't', userId: 'u', messageId: String(n), ...input }, now);
}

/** Presses `ids` one after the other from a new conversation; returns where it ended. */
function walk(...ids: string[]): { conv: ConversationState; last: Reply } {
  let out = send(undefined, { text: '/start' });
  for (const id of ids) {
    const last = out.replies.at(-1);
    expect(
      last?.choices?.map((c) => c.id),
      `at ${out.conv.state}`,
    ).toContain(id);
    out = send(out.conv, { choice: id, turn: last?.turn });
  }
  const last = out.replies.at(-1);
  if (!last) throw new Error('no reply');
  return { conv: out.conv, last };
}

/** The conversation as if it had last been answered by an older flow version. */
const older = (conv: ConversationState): ConversationState => ({
  ...conv,
  flowVersion: '2026.01.01+00000000',
});
const ids = (r: Reply | undefined) => r?.choices?.map((c) => c.id) ?? [];

describe('a conversation whose flows changed under it', () => {
  it('keeps its place, with no notice, when everything it points at still exists', () => {
    const { conv, last } = walk('cancel', 'iqiyi', 'auto', 'app');
    const out = send(older(conv), { choice: 'next', turn: last.turn });
    expect(out.flowChange).toBeUndefined();
    expect(out.replies.at(-1)?.text).not.toContain('指南已经更新过');
    expect(out.conv).toMatchObject({ state: 'steps', ctx: { page: 1 }, flowVersion: bundle.version });
  });

  it('a platform that left the catalogue: back to the platform question, one notice', () => {
    const { conv, last } = walk('cancel', 'iqiyi', 'auto', 'app', 'blocked', 'grey');
    const gone = (c: ConversationState['ctx']) =>
      c.platform === 'iqiyi'
        ? { ...c, platform: 'closed_site', fields: { ...c.fields, platform: 'closed_site' } }
        : c;
    const stored = older({
      ...conv,
      ctx: gone(conv.ctx),
      history: conv.history.map((h) => ({ ...h, ctx: gone(h.ctx) })),
    });
    const out = send(stored, { choice: 'other', turn: last.turn });
    expect(out.flowChange).toBe('moved');
    expect(out.conv.state).toBe('platform');
    expect(out.conv.ctx.platform).toBeNull();
    expect(out.conv.history.map((h) => h.state)).toEqual(['welcome']);
    const reply = out.replies.at(-1)?.text ?? '';
    expect(reply.startsWith(MOVED)).toBe(true);
    // One notice: the old button is not also called stale.
    expect(reply).not.toContain('那个按钮对应的问题已经过去了');
    expect(ids(out.replies.at(-1))).toContain('kamen');
    // The turn moved on: the old question's buttons are stale now, the new ones work.
    const next = send(out.conv, { choice: 'qq', turn: out.replies.at(-1)?.turn });
    expect(next.conv.state).toBe('membership');
  });

  it('a removed question: back to the last question in its history that still exists', () => {
    const { conv } = walk('cancel', 'iqiyi', 'unsure');
    expect(conv.state).toBe('membership_howto');
    const out = send(older({ ...conv, state: 'membership_help' }), { text: '1' });
    expect(out.flowChange).toBe('moved');
    expect(out.conv.state).toBe('membership');
    expect(out.conv.ctx.platform).toBe('iqiyi');
    // The typed answer was to the old question: it is not applied to the new one.
    expect(out.replies.at(-1)?.text).toContain('是哪种会员？');
  });

  it('a remembered answer no choice gives any more, a tried channel or a chosen path that is gone', () => {
    const atChannel = walk('cancel', 'iqiyi', 'auto').conv;
    const field = older({
      ...atChannel,
      ctx: { ...atChannel.ctx, fields: { ...atChannel.ctx.fields, membership: 'family' } },
    });
    expect(positionProblem(bundle, field.state, field.ctx)).toBe('field');
    expect(followFlowChange(bundle, field).conv.state).toBe('membership');

    const blocked = walk('cancel', 'iqiyi', 'auto', 'app', 'blocked', 'grey').conv;
    const tried = { ...blocked.ctx, tried: [...blocked.ctx.tried, 'website' as const] };
    expect(positionProblem(bundle, blocked.state, tried)).toBe('tried');
    const path = { ...blocked.ctx, fields: { ...blocked.ctx.fields, channel: 'website' } };
    expect(positionProblem(bundle, blocked.state, path)).toBe('channel');
    // Moved back past every question that relied on the channel: to choosing one again.
    const moved = followFlowChange(bundle, {
      ...blocked,
      ctx: path,
      history: blocked.history.map((h) =>
        h.ctx.fields.channel
          ? { ...h, ctx: { ...h.ctx, fields: { ...h.ctx.fields, channel: 'website' } } }
          : h,
      ),
    });
    expect(moved).toMatchObject({ change: 'moved', problem: 'channel', conv: { state: 'channel' } });
  });

  it('a steps page past the end of a shorter path: the last page that exists', () => {
    const { conv } = walk('cancel', 'kamen', 'auto', 'website', 'next');
    expect(conv.ctx.page).toBe(1);
    const shorter = older({ ...conv, ctx: { ...conv.ctx, page: 5 } });
    expect(positionProblem(bundle, shorter.state, shorter.ctx)).toBe('page');
    const out = send(shorter, { text: 'hello' });
    expect(out.conv).toMatchObject({ state: 'steps', ctx: { page: 0 } });
  });

  it('nothing fits any more: starts over with the restart notice', () => {
    const { conv } = walk('cancel', 'iqiyi', 'auto');
    // A remembered answer that no longer exists, in every question of the history and the platform question too.
    const family = (c: ConversationState['ctx']) => ({ ...c, fields: { ...c.fields, membership: 'family' } });
    const stored = older({
      ...conv,
      ctx: family(conv.ctx),
      history: conv.history.map((h) => ({ ...h, ctx: family(h.ctx) })),
    });
    const out = send(stored, { text: '1' });
    expect(out.flowChange).toBe('restarted');
    expect(out.conv).toMatchObject({ state: 'welcome', history: [], turn: conv.turn + 1 });
    expect(out.conv.ctx.fields).toEqual({});
    expect(out.replies.at(-1)?.text.startsWith(RESTARTED)).toBe(true);
    expect(ids(out.replies.at(-1))).toEqual(['cancel', 'refund', 'redflag']);
  });

  it('nothing in the history fits but the platform question does: there, with the platform cleared', () => {
    const { conv } = walk('cancel', 'iqiyi', 'auto');
    const out = send(older({ ...conv, state: 'gone', history: [] }), { text: '1' });
    expect(out.flowChange).toBe('moved');
    expect(out.conv).toMatchObject({ state: 'platform', history: [], ctx: { platform: null } });
    expect(out.conv.ctx.fields).toEqual({ goal: 'cancel', membership: 'auto' });
  });

  it('only the history no longer fits: no notice, and "back" skips what is gone', () => {
    const { conv, last } = walk('cancel', 'iqiyi', 'auto');
    const stored = older({
      ...conv,
      history: conv.history.map((h) => (h.state === 'membership' ? { ...h, state: 'membership_old' } : h)),
    });
    const out = send(stored, { choice: ENGINE_CHOICES.back, turn: last.turn });
    expect(out.flowChange).toBeUndefined();
    expect(out.replies.at(-1)?.text).not.toContain('指南已经更新过');
    expect(out.conv.state).toBe('platform');
  });

  it('a typed command still works after the move; the answer to "forget me?" still counts', () => {
    const { conv } = walk('cancel', 'iqiyi');
    const help = send(older({ ...conv, state: 'gone' }), { text: '帮助' });
    expect(help.replies.at(-1)?.text).toContain(MOVED);
    expect(help.replies.at(-1)?.text).toContain('返回');

    const asked = send(conv, { text: '删除我的数据' });
    expect(asked.conv.confirmForget).toBe(true);
    const turn = asked.replies.at(-1)?.turn;
    const out = send(older({ ...asked.conv, state: 'gone' }), { choice: ENGINE_CHOICES.forgetYes, turn });
    expect(out.effect).toBe('forget');
  });

  it('never moves a conversation the shipped flows produced (random walks, then a version change)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 3, maxLength: 30 }), (picks) => {
        let out = send(undefined, { text: '/start' });
        for (const pick of picks) {
          const { conv } = out;
          seen.add(conv.state);
          expect(positionProblem(bundle, conv.state, conv.ctx), conv.state).toBeUndefined();
          for (const h of conv.history)
            expect(positionProblem(bundle, h.state, h.ctx), h.state).toBeUndefined();
          expect(followFlowChange(bundle, older(conv)).change).toBe('kept');
          const last = out.replies.at(-1);
          const choices = (last?.choices ?? []).filter((c) => c.id !== ENGINE_CHOICES.restart);
          const st = bundle.states[conv.state];
          if (st?.fact && pick % 2 === 0)
            out = send(conv, { text: st.fact === 'amount' ? '39元' : '2026-11-01' });
          else
            out = send(conv, {
              choice: choices[pick % Math.max(1, choices.length)]?.id ?? '',
              turn: last?.turn,
            });
          expect(out.flowChange).toBeUndefined();
        }
      }),
      { numRuns: 200, seed: 20261125 },
    );
    expect(seen.size).toBeGreaterThan(Object.keys(bundle.states).length * 0.7);
  });
});
