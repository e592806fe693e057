import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { createTranslator } from '../../src/i18n/translator.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });

describe('the translator memo', () => {
  it('answers the same the first time, from the memo, and after the memo starts afresh', () => {
    const tr = createTranslator(bundle.locales);
    const fresh = () => createTranslator(bundle.locales);
    const vars = { platform: '爱奇艺', channel: 'App', page: 1, pages: 2 };
    const asked = [
      () => tr.common('zh-CN', 'error'),
      () => tr.common('en', 'error'),
      () => tr.common('zh-CN', 'steps.header', vars),
      () => tr.common('en', 'steps.header', vars),
      () => tr.common('en', 'steps.header', { ...vars, page: 2 }),
      () => tr.text('en', 'welcome.ask'),
      () => tr.ns('zh-CN', 'receipt', 'title'),
    ];
    const first = asked.map((f) => f());
    expect(first[0]).not.toBe(first[1]); // languages kept apart
    expect(first[3]).not.toBe(first[4]); // variables kept apart
    expect(asked.map((f) => f())).toEqual(first); // from the memo
    const other = fresh();
    expect([
      other.common('zh-CN', 'error'),
      other.common('en', 'error'),
      other.common('zh-CN', 'steps.header', vars),
      other.common('en', 'steps.header', vars),
      other.common('en', 'steps.header', { ...vars, page: 2 }),
      other.text('en', 'welcome.ask'),
      other.ns('zh-CN', 'receipt', 'title'),
    ]).toEqual(first);
    // More distinct lookups than the memo keeps: it starts afresh and still answers right.
    for (let page = 0; page < 10_500; page += 1) tr.common('en', 'steps.header', { ...vars, page });
    expect(asked.map((f) => f())).toEqual(first);
    expect(tr.common('en', 'steps.header', { ...vars, page: 7 })).toContain('7');
  });
});
