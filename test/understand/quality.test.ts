import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { ROOT } from '../support/app.ts';
import { FIELDS, LABELLED_FILES, type LabelledReport, loadLabelled, scoreLabelled } from './labelled.ts';

// Issue 11's quality bar, measured on the labelled messages (test/understand/*.yaml): per-field accuracy,
// danger recall, and the share of messages answered confidently with any field wrong. The figures are
// printed on every run and recorded in docs/understanding.md.
const TARGETS = { platform: 0.95, intent: 0.9, amount: 0.95, date: 0.95 } as const;
const CONFIDENT_WRONG_MAX = 0.02;

const bundle = loadFlowBundle({
  flowsDir: join(ROOT, 'flows'),
  localesDir: join(ROOT, 'locales'),
  root: ROOT,
});

function table(title: string, r: LabelledReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const rows = Object.values(FIELDS).map(
    (f) => `  ${f.padEnd(11)} ${pct(r.accuracy[f])} ${pct(r.accuracyWhenSaid[f])}`,
  );
  return [
    `${title}: ${r.total} messages`,
    '  field       all     when said',
    ...rows,
    `  danger recall ${pct(r.dangerRecall)} of ${r.dangerCases} cases; false alarms ${r.dangerFalseAlarms}`,
    `  confident but wrong ${pct(r.confidentWrong)}`,
  ].join('\n');
}

describe('understanding quality on the labelled messages', () => {
  const all = scoreLabelled(bundle);

  it('has at least 300 labelled messages in Chinese and English, with danger cases', () => {
    const sets = LABELLED_FILES.map((f) => loadLabelled(f).utterances);
    const texts = sets.flat().map((u) => u.t);
    expect(texts.length).toBeGreaterThanOrEqual(300);
    expect(new Set(texts).size).toBe(texts.length);
    expect(texts.filter((t) => /\p{Script=Han}/u.test(t)).length).toBeGreaterThan(150);
    expect(texts.filter((t) => /^[\x20-\x7e]+$/.test(t)).length).toBeGreaterThan(60);
    expect(all.dangerCases).toBeGreaterThanOrEqual(40);
  });

  it('meets the targets (figures printed below)', () => {
    const held = scoreLabelled(bundle, ['holdout.yaml']);
    console.log(`${table('all labelled', all)}\n${table('held out (holdout.yaml)', held)}`);
    if (all.misses.length) console.log(`misses (! = confident, ? = asked):\n${all.misses.join('\n')}`);
    for (const [field, min] of Object.entries(TARGETS)) {
      const f = field as keyof typeof TARGETS;
      expect(all.accuracy[f], `${f} accuracy`).toBeGreaterThanOrEqual(min);
      expect(all.accuracyWhenSaid[f], `${f} accuracy when said`).toBeGreaterThanOrEqual(min);
    }
    expect(all.dangerRecall, 'danger recall').toBe(1);
    expect(all.confidentWrong, 'confident but wrong').toBeLessThanOrEqual(CONFIDENT_WRONG_MAX);
  });

  it('a message with nothing to understand is left alone (no guessed platform, intent or danger)', () => {
    const { now, utterances } = loadLabelled('utterances.yaml');
    const empty = utterances.filter((u) => !u.p && !u.i && !u.m && !u.c && !u.a && !u.d && !u.x && !u.q);
    expect(empty.length).toBeGreaterThanOrEqual(25);
    const scored = scoreLabelled(bundle, ['utterances.yaml']);
    const wrongOnEmpty = scored.misses.filter((m) => empty.some((u) => m.slice(2).startsWith(`${u.t}  →`)));
    expect(wrongOnEmpty, `guessed something on ${now.toISOString()}`).toEqual([]);
  });
});
