import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { composeReplies, WECHAT_TEXT_MAX_BYTES } from '../../../src/channels/wechat/compose.ts';
import { forWechat } from '../../../src/channels/wechat/replies.ts';
import { wechatTexts } from '../../../src/channels/wechat/texts.ts';
import { type ConversationState, freshConversation } from '../../../src/dialogue/conversation.ts';
import { step } from '../../../src/dialogue/step.ts';
import type { Reply } from '../../../src/dialogue/types.ts';
import { loadFlowBundle } from '../../../src/flows/bundle.ts';
import type { FlowEvent } from '../../../src/flows/compile.ts';
import type { FlowContext } from '../../../src/flows/context.ts';
import { LANGS, type Lang } from '../../../src/i18n/lang.ts';
import { createTranslator } from '../../../src/i18n/translator.ts';
import { renderReceiptText } from '../../../src/receipts/renderText.ts';
import { ROOT } from '../../support/app.ts';

// WeChat's 2,048-byte limit holds for every state of every flow, in both languages, with the longest notes
// (help, "didn't catch that" plus the hint), the letters with the longest facts the guide accepts, and a
// receipt summary: every page fits, nothing is lost, the question and its options stay together at the end,
// and a letter is whole on one page whenever it can be.
const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
const tr = createTranslator(bundle.locales);
const env = { bundle, tr };
const { machine, states, catalogue } = bundle;
const now = new Date('2026-11-25T08:00:00Z');
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function eventsOf(s: AnyMachineSnapshot): FlowEvent[] {
  const st = states[String(s.value)];
  const out: FlowEvent[] = (st?.choices ?? []).map((c) => ({ type: `choose.${c.id}` }) as FlowEvent);
  if (st?.pick) for (const p of catalogue.list) out.push({ type: 'pick', id: p.id });
  if (st?.fact) out.push({ type: 'fact', value: 'sample' });
  return out;
}

/** The longest facts the fact parser accepts (100 characters of text, 64-character ids), for the letters. */
const LONG_FACTS: Record<string, string> = {
  fact_merchant: '某'.repeat(100),
  fact_url: `https://${'k'.repeat(80)}.example.com/`,
  fact_order: 'A'.repeat(64),
  fact_amount: '99999999.99 CNY',
  fact_date: '2026-11-03',
  fact_ticket: 'T'.repeat(64),
};

/** By state and everything a screen's text depends on: platform, payment channel, page and channel. */
function screenKey(s: AnyMachineSnapshot): string {
  const c = s.context as FlowContext;
  return `${String(s.value)}|${c.platform}|${c.payment}|${c.page}|${c.fields.channel}`;
}

/** Every distinct screen on the shortest paths. */
function everyState(): AnyMachineSnapshot[] {
  const paths = getShortestPaths(machine, { events: eventsOf, serializeState: screenKey });
  const seen = new Map<string, AnyMachineSnapshot>();
  for (const p of paths) for (const s of [...p.steps.map((x) => x.state), p.state]) seen.set(screenKey(s), s);
  return [...seen.values()];
}

function conv(lang: Lang, s: AnyMachineSnapshot, facts: Record<string, string> = {}): ConversationState {
  const ctx = s.context as FlowContext;
  const base = freshConversation(String(s.value), lang, bundle.version);
  return {
    ...base,
    ctx: { ...ctx, fields: { ...ctx.fields, ...facts } },
    langChosen: true,
    history: [{ state: bundle.start, ctx: base.ctx }],
  };
}

/** What the engine would answer `text` with in this state (the pure step, as the engine runs it). */
function repliesFor(c: ConversationState, text: string): Reply[] {
  return step(env, c, { channel: 'wechat', userId: 'u', messageId: 'm', text }, now).replies;
}

function checkPages(replies: Reply[], lang: Lang, where: string) {
  const say = wechatTexts(tr, lang);
  const { pages, letters } = composeReplies(
    forWechat(replies, say, 'https://cancelmate.example.org'),
    say.compose,
  );
  expect(pages.length, where).toBeGreaterThan(0);
  for (const [i, p] of pages.entries())
    expect(bytes(p), `${where} page ${i + 1}`).toBeLessThanOrEqual(WECHAT_TEXT_MAX_BYTES);
  const all = pages.join('\n');
  const last = replies.at(-1);
  if (last?.choices?.length) {
    // The question and its options together, on the last page.
    const options = last.choices.map((c, i) => say.compose.choiceLine(i + 1, c.label));
    const labels = last.choices.map((c) => say.compose.labelLine(c.label));
    const tail = pages.at(-1) ?? '';
    expect(
      options.every((o) => tail.includes(o)) || labels.every((o) => tail.includes(o)),
      `${where}: options on the last page`,
    ).toBe(true);
  }
  for (const l of letters) {
    const whole = pages.some((p) => p.includes(l.text));
    if (bytes(l.text) < WECHAT_TEXT_MAX_BYTES - 300)
      expect(whole, `${where}: letter "${l.title}" whole on one page`).toBe(true);
    // On request, a letter alone always fits (in as few pages as it needs).
    for (const p of composeReplies([{ text: l.text }], say.compose).pages)
      expect(bytes(p)).toBeLessThanOrEqual(WECHAT_TEXT_MAX_BYTES);
  }
  // Nothing is lost: every line of every reply appears on some page.
  for (const r of replies)
    for (const line of say
      .reword(r.text)
      .split('\n')
      .filter((x) => x.trim()))
      expect(all.includes(line), `${where}: "${line.slice(0, 40)}"`).toBe(true);
  return pages.length;
}

describe('the 2,048-byte limit', () => {
  const snapshots = everyState();

  it('reaches every state of every flow', () => {
    expect(new Set(snapshots.map((s) => String(s.value)))).toEqual(new Set(Object.keys(states)));
  });

  for (const lang of LANGS)
    it(`holds for every state in ${lang}, with help, the "didn't catch that" hint and the longest facts`, () => {
      let paged = 0;
      const hinted = new Set<string>();
      for (const s of snapshots) {
        const id = String(s.value);
        const where = `${lang} ${id}`;
        // The longest facts only change the letters.
        for (const facts of states[id]?.show === 'letters' ? [{}, LONG_FACTS] : [{}]) {
          const c = conv(lang, s, facts);
          paged +=
            checkPages(repliesFor(c, lang === 'en' ? 'help' : '帮助'), lang, `${where} help`) > 1 ? 1 : 0;
          // "Didn't catch that" plus the state's hint: the hint depends on the state alone.
          if (!hinted.has(id)) checkPages(repliesFor(c, 'zzz qqq'), lang, `${where} unknown`);
          hinted.add(id);
        }
      }
      // The letters with the longest facts do not fit one message: paging is exercised, not just assumed.
      expect(paged).toBeGreaterThan(0);
    }, 120_000);

  it('holds for a receipt summary with the longest values', () => {
    for (const lang of LANGS) {
      const receipt = {
        body: {
          id: 'R-20261125-1A2B3C4D',
          lang,
          issuedAt: now.toISOString(),
          chosen: {
            platform: '某'.repeat(80),
            membership: '某'.repeat(80),
            channel: '某'.repeat(80),
            payment: '某'.repeat(80),
          },
          outcome: { result: 'cancelled', reason: '某'.repeat(80) },
          facts: {
            merchant: '某'.repeat(100),
            order: 'A'.repeat(64),
            amount: '1 CNY',
            date: '2026-11-03',
            ticket: 'T'.repeat(64),
            url: 'https://x.example/',
            noticeReceived: 'no',
          },
          transcript: [],
          chainHead: 'f'.repeat(64),
        },
        signature: { keyId: '0123456789abcdef', alg: 'Ed25519', value: '' },
      } as unknown as Parameters<typeof renderReceiptText>[0];
      const text = `${tr.ns(lang, 'receipt', 'issued', { id: 'R-20261125-1A2B3C4D' })}\n\n${renderReceiptText(receipt)}`;
      checkPages(
        [
          {
            text,
            receipt: { id: 'R-20261125-1A2B3C4D', token: 't'.repeat(24) },
            choices: [{ id: '_restart', label: 'x' }],
          },
        ],
        lang,
        `${lang} receipt`,
      );
    }
  });
});
