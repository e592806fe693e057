import { join } from 'node:path';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { createTranslator, type Translator } from '../../src/i18n/translator.ts';
import { ROOT } from './app.ts';

let cached: Translator | undefined;

/**
 * The translator over the repository's own flows and locales, as an engine would hold it (for tests of code
 * that is handed `engine.words` or a translator).
 *
 * @example
 * pageStrings(repoTranslator(), 'en').send; // 'Send'
 */
export function repoTranslator(): Translator {
  cached ??= createTranslator(
    loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') }).locales,
  );
  return cached;
}
