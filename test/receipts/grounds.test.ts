import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import type { FlowContext } from '../../src/flows/context.ts';
import { applyChoice, applyPick } from '../../src/flows/effects.ts';
import { GROUND_TOPICS } from '../../src/flows/schema.ts';
import { LANGS } from '../../src/i18n/lang.ts';
import { createTranslator } from '../../src/i18n/translator.ts';
import { caseFromFields, caseTopics, STUCK_REASONS, stuckField } from '../../src/receipts/caseFile.ts';
import {
  GROUND_IDS,
  groundsBlock,
  groundText,
  letterGrounds,
  shownGrounds,
  TOPIC_GROUNDS,
} from '../../src/receipts/grounds.ts';
import { ROOT } from '../support/app.ts';

const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
const tr = createTranslator(bundle.locales);
const { states } = bundle;

/** Any combination of the answers the flows record (each may be absent), plus any reported obstacles. */
const answer = <T extends string>(...xs: T[]) => fc.option(fc.constantFrom(...xs), { nil: undefined });
const fieldsArb = fc
  .tuple(
    fc.record({
      deduction: answer('auto', 'oneoff', 'notdelivered'),
      notice: answer('no', 'unsure', 'yes'),
      optin: answer('preticked', 'hidden', 'chose', 'unsure'),
      membership: answer('auto', 'fixed', 'lifetime', 'unsure'),
      oneoffWhy: answer('notdelivered', 'norefund', 'other'),
      redflag: answer('gone', 'frozen', 'fees', 'fakecs'),
      use: answer('personal', 'resale'),
    }),
    fc.subarray([...STUCK_REASONS]),
  )
  .map(([answers, stuck]) => {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(answers)) if (v !== undefined) fields[k] = v;
    for (const r of stuck) fields[stuckField(r)] = 'yes';
    return fields;
  });

describe('the grounds table cannot drift from the dialogue', () => {
  it('every transition adds at most the topic its target state explains, and always adds that one', () => {
    // A local invariant, checked for every choice, pick and fact of every state against many prior answers:
    // by induction, along any walk the case topics are exactly topics whose state the user saw.
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const ctx: FlowContext = { platform: 'kamen', payment: null, page: 0, tried: [], fields };
        const before = new Set(caseTopics(fields));
        for (const st of Object.values(states)) {
          const moves: [string, FlowContext][] = (st.choices ?? []).map((c) => [c.to, applyChoice(ctx, c)]);
          if (st.pick) moves.push([st.pick.to, applyPick(ctx, st.pick.from, 'wechatpay')]);
          if (st.fact && st.factTo)
            moves.push([st.factTo, { ...ctx, fields: { ...fields, [`fact_${st.fact}`]: 'x' } }]);
          for (const [to, next] of moves) {
            const target = states[to]?.grounds;
            const after = caseTopics(next.fields);
            for (const t of after) if (!before.has(t)) expect(t, `→ ${to}`).toBe(target);
            if (target) expect(after, `→ ${to}`).toContain(target);
          }
        }
      }),
      { seed: 8, numRuns: 150 },
    );
  });

  it('every topic is explained by some state of the flows', () => {
    const withGrounds = Object.values(states).filter((st) => st.grounds);
    expect(new Set(withGrounds.map((st) => st.grounds))).toEqual(new Set(GROUND_TOPICS));
    // The one way to a topic's state is an answer that records it (checked per transition above).
    expect(caseTopics({})).toEqual([]);
  });

  it('a letter cites only grounds the guide showed, whatever the answers', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const c = caseFromFields(fields);
        const shown = shownGrounds(c);
        for (const g of letterGrounds(c)) expect(shown).toContain(g);
      }),
      { seed: 8, numRuns: 500 },
    );
  });

  it('every ground has its words and citations in both languages, and every ground is used by a topic', () => {
    const used = new Set(Object.values(TOPIC_GROUNDS).flatMap((us) => us.map((u) => u.ground)));
    expect(used).toEqual(new Set(GROUND_IDS));
    for (const id of GROUND_IDS) {
      const zh = groundText(tr, 'zh-CN', id);
      const en = groundText(tr, 'en', id);
      expect(zh.text.length, id).toBeGreaterThan(5);
      expect(en.text.length, id).toBeGreaterThan(5);
      expect(en.citations.length, id).toBe(zh.citations.length);
      // Only the reported "new rule" has no article number (rights.md: [S2], no confirmed article).
      if (id !== 'newRule') expect(zh.citations.length, id).toBeGreaterThan(0);
      for (const c of zh.citations) expect(c, id).toMatch(/^《[^》]+》第[一二三四五六七八九十百]+条/);
    }
  });

  it('the guide shows a topic as a heading and one bullet per ground, with citations', () => {
    for (const lang of LANGS) {
      const block = groundsBlock(tr, lang, 'blocked_fee');
      const lines = block.split('\n');
      expect(lines).toHaveLength(1 + TOPIC_GROUNDS.blocked_fee.length);
      expect(lines[1]).toMatch(lang === 'zh-CN' ? /《网络交易监督管理办法》第十八条/ : /Art\. 18/);
    }
    expect(groundsBlock(tr, 'zh-CN', 'blocked_finalsay')).toContain('《合同行政监督管理办法》第八条（七）');
  });
});
