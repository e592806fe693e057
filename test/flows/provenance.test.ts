import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderState } from '../../src/dialogue/render.ts';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { DEFAULT_STALE_DAYS, staleDaysFrom } from '../../src/flows/check.ts';
import { emptyContext, type FlowContext } from '../../src/flows/context.ts';
import { lookup } from '../../src/flows/localeTree.ts';
import { LANGS } from '../../src/i18n/lang.ts';
import { createTranslator } from '../../src/i18n/translator.ts';
import { ROOT } from '../support/app.ts';
import { cleanTrees, FIXTURE_NOW, fixtureTree, problemsOf } from './fixtureTree.ts';

// Provenance: a path is either verified (someone followed it on that date) or compiled from public guides (on
// that date); users see 「最后核实：日期」 only for the first, 「根据公开教程整理（日期）」 for the second.
afterEach(cleanTrees);

const steps = (ctx: Partial<FlowContext> & { channel: string }): FlowContext => ({
  ...emptyContext(),
  ...ctx,
  fields: { channel: ctx.channel, ...(ctx.platform ? { platform: ctx.platform } : {}) },
});

describe('provenance in the catalogue', () => {
  it('a date in the future is an error, one older than FLOWS_STALE_DAYS a warning with its age, a source key without text an error', () => {
    const { errors, warnings } = problemsOf(fixtureTree('provenance'), { staleDays: 180 });
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^flows\/platforms\/shop\.yaml:10:15 channels\.website\.compiled: compiled date 2027-01-01 is in the future\n {4}fix: /,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^flows\/platforms\/wallet\.yaml:9:13 channels\.payment\.source: source key "t\.nosource" has no text in locales\/en\/flow\.json/,
      ),
    );
    expect(warnings).toEqual([
      expect.stringMatching(
        /^flows\/platforms\/shop\.yaml:16:15 channels\.app\.verified: verified 274 days ago \(2026-03-01\), more than 180 days: the menus may have moved\n {4}fix: follow the path/,
      ),
    ]);
    // A longer limit silences the warning; the error stays.
    expect(problemsOf(fixtureTree('provenance'), { staleDays: 300 }).warnings).toEqual([]);
  });

  it('the schema tells verified and compiled apart: both at once is an error at the path', () => {
    const { errors } = problemsOf(fixtureTree('provenance-both'));
    expect(errors).toEqual([
      expect.stringMatching(
        /^flows\/platforms\/wallet\.yaml:9:5 channels\.payment: give either verified: "YYYY-MM-DD" \(you followed this path/,
      ),
    ]);
  });

  it('FLOWS_STALE_DAYS: default 180, a whole number from 1 to 3650, anything else refused with what to write', () => {
    expect(staleDaysFrom(undefined)).toBe(DEFAULT_STALE_DAYS);
    expect(staleDaysFrom('')).toBe(180);
    expect(staleDaysFrom('90')).toBe(90);
    for (const bad of ['0', '-5', '1.5', 'soon', '99999'])
      expect(() => staleDaysFrom(bad)).toThrow(
        /FLOWS_STALE_DAYS must be a whole number of days from 1 to 3650/,
      );
  });
});

describe('provenance as users see it', () => {
  const real = loadFlowBundle(
    { flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') },
    FIXTURE_NOW,
  );
  const tr = createTranslator(real.locales);

  it('a compiled path says 「根据公开教程整理（日期）」 and never 「最后核实」; the receipt gets the compiled date', () => {
    const view = renderState(real, tr, 'steps', steps({ platform: 'kamen', channel: 'website' }), 'zh-CN');
    expect(view.text).toContain('根据公开教程整理（2026-11-25）');
    expect(view.text).not.toContain('最后核实');
    expect(view.shown).toMatchObject({ compiled: '2026-11-25' });
    expect(view.shown?.verified).toBeUndefined();
    const en = renderState(real, tr, 'steps', steps({ platform: 'kamen', channel: 'website' }), 'en');
    expect(en.text).toContain('Compiled from public guides (2026-11-25)');
    expect(en.text).not.toContain('last checked');
  });

  it('a verified path says 「最后核实：日期」 and shows its source with its URL', () => {
    const root = fixtureTree();
    const fixture = loadFlowBundle(
      { flowsDir: join(root, 'flows'), localesDir: join(root, 'locales'), root },
      FIXTURE_NOW,
    );
    const ftr = createTranslator({
      'zh-CN': { ...fixture.locales['zh-CN'], common: real.locales['zh-CN'].common ?? {} },
      en: { ...fixture.locales.en, common: real.locales.en.common ?? {} },
    });
    const view = renderState(fixture, ftr, 'steps', steps({ platform: 'shop', channel: 'app' }), 'zh-CN');
    expect(view.text).toContain('来源：商店帮助中心（https://shop.example/help）；最后核实：2026-11-20');
    expect(view.text).not.toContain('根据公开教程整理');
    expect(view.shown).toMatchObject({ verified: '2026-11-20', sourceUrl: 'https://shop.example/help' });
  });

  it('the generic 卡盟 paths name the public article they were compiled from; the reused customer-service steps say so', () => {
    for (const lang of LANGS) {
      const source = String(lookup(real.locales[lang].flow, 'generic.source'));
      expect(source).toContain('卡盟购买的会员去哪取消');
      expect(source).not.toMatch(/种子|seed/i);
    }
    for (const id of ['qq', 'tencent_video', 'iqiyi']) {
      const path = real.catalogue.byId.get(id)?.channels.support;
      expect(path?.source, id).toBe('generic.sourceReused');
      expect(path?.verified, id).toBeUndefined();
    }
    const view = renderState(real, tr, 'steps', steps({ platform: 'qq', channel: 'support' }), 'zh-CN');
    expect(view.text).toContain('并非专门针对这个平台整理');
  });
});
