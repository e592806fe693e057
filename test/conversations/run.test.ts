import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { createTranslator } from '../../src/i18n/translator.ts';
import { formatFailures, readScripts, runScripts } from '../../src/maintain/conversations.ts';
import { ROOT } from '../support/app.ts';

// The scripted dialogues (test/conversations/*.yaml), run by the same module as `npm run flows -- test`: each
// turn's expected texts must appear in order in the guide's answer to that turn, its first choices must be
// the ones listed, and nothing under `absent` may appear anywhere. Through the pure step: no database.
const bundle = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
const env = { bundle, tr: createTranslator(bundle.locales) };
const scripts = readScripts(join(ROOT, 'test', 'conversations'));

describe('scripted conversations', () => {
  it('has scripts, and every one of them reads', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(8);
    expect(scripts.filter((s) => 'error' in s)).toEqual([]);
  });

  for (const result of runScripts(env, scripts, new Date())) {
    it(`${result.file.split('/').pop()}: ${result.title}`, () => {
      expect(result.failures, formatFailures(result)).toEqual([]);
    });
  }
});
