import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { checkKeywordTargets, EXTRA_CHECKS } from '../../src/flows/checks/extra.ts';
import { cleanTrees, fixtureTree, problemsOf } from './fixtureTree.ts';

// Each check against a fixture broken on purpose (test/flows/fixtures/<name>/ over fixtures/base/): it must be
// caught at the right file:line:col, with a hint on the next line. The base fixture itself passes every check.
afterEach(cleanTrees);

/** The one problem starting with `where` (file:line:col), asserting it says `what` and carries a hint. */
function expectProblem(problems: string[], where: string, what: RegExp) {
  const found = problems.filter((p) => p.startsWith(`${where} `));
  expect(found, `expected a problem at ${where}; got:\n${problems.join('\n')}`).toHaveLength(1);
  expect(found[0]).toMatch(what);
  expect(found[0]).toMatch(/\n {4}fix: \S/);
}

describe('flow checks on broken fixtures', () => {
  it('the base fixture passes every check, with no warning', () => {
    const { errors, warnings, coverage } = problemsOf(fixtureTree());
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(coverage?.cells.some((c) => c.status === 'gap')).toBe(false);
  });

  it('a dangling target and an unreachable state', () => {
    const { errors } = problemsOf(fixtureTree('dangling-unreachable'));
    expectProblem(
      errors,
      'flows/main.yaml:13:44',
      /states\.welcome\.choices\[1\]\.to: goes to "refnd", which is not a state.*\n.*closest state ids are refund/,
    );
    expectProblem(errors, 'flows/main.yaml:49:5', /states\.orphan: state "orphan" is unreachable/);
    expect(errors).toHaveLength(2);
  });

  it('a question with nothing to answer (no choices, pick or fact)', () => {
    const { errors } = problemsOf(fixtureTree('static-dead-end'));
    expectProblem(errors, 'flows/main.yaml:42:5', /states\.limbo: this state has no way forward/);
  });

  it('a state that some conversations reach with every choice switched off', () => {
    const { errors } = problemsOf(fixtureTree('dead-end'));
    expectProblem(
      errors,
      'flows/main.yaml:23:5',
      /states\.channel: state "channel" can be reached with no way forward: none of its choices' conditions hold \(after: choose cancel → pick \w+ → .*choose blocked\)/,
    );
  });

  it('a loop with no exit', () => {
    const { errors } = problemsOf(fixtureTree('loop'));
    expectProblem(
      errors,
      'flows/main.yaml:42:5',
      /can only go round \(help_a → help_b → help_a\) and never reach an end \(after: choose help\)/,
    );
    expect(errors).toHaveLength(1);
  });

  it('a when: condition that can never hold where its choice is offered', () => {
    const { errors } = problemsOf(fixtureTree('never-holds'));
    expectProblem(
      errors,
      'flows/main.yaml:22:55',
      /states\.membership\.choices\[2\]\.when: choice "more" is never offered: its conditions \[morePages\] never all hold/,
    );
    expect(errors).toHaveLength(1);
  });

  it('duplicate platform ids, an alias that picks two platforms, an alias that picks two choices', () => {
    const { errors } = problemsOf(fixtureTree('duplicates'));
    expectProblem(
      errors,
      'flows/platforms/shop.yaml:2:5',
      /id: platform id "shop" is already used by flows\/platforms\/shop-copy\.yaml/,
    );
    expectProblem(
      errors,
      'flows/platforms/wallet.yaml:6:23',
      /aliases\[2\]: "Shop" also picks platform "shop"/,
    );
    expectProblem(
      errors,
      'flows/main.yaml:21:89',
      /states\.membership\.choices\[1\]\.aliases\[0\]: alias "包月" also picks choice "auto"/,
    );
  });

  it('translations: a key missing in one language, placeholders that differ or are never filled in', () => {
    const { errors } = problemsOf(fixtureTree('translations'));
    expectProblem(
      errors,
      'flows/main.yaml:37:28',
      /states\.steps\.choices\[0\]\.label: translation key "t\.next" is missing in locales\/en\/flow\.json/,
    );
    expectProblem(
      errors,
      'locales/en/flow.json:2:8',
      /t\.next: "t\.next" is missing here but present in locales\/zh-CN\/flow\.json/,
    );
    expectProblem(
      errors,
      'locales/en/flow.json:22:12',
      /t\.bye: "t\.bye" uses \{\{platfrom\}\} here but \{\{platform\}\} in locales\/zh-CN\/flow\.json/,
    );
    expectProblem(
      errors,
      'flows/main.yaml:46:10',
      /states\.done\.say: en text uses \{\{platfrom\}\}, which the guide does not fill in here/,
    );
    expect(
      errors.filter((e) => /channels\.website\.steps\[0\]: (zh-CN|en) text uses \{\{platform\}\}/.test(e)),
    ).toHaveLength(2);
  });

  it('a key that appears twice in a locale file (JSON.parse would silently keep the last)', () => {
    // Made here, not committed: the project's linter rightly refuses a JSON file with a duplicate key.
    const root = fixtureTree();
    const file = `${root}/locales/zh-CN/flow.json`;
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '    "done": "结束",\n',
        '    "done": "结束",\n    "done": "完成",\n',
      ),
    );
    const { errors } = problemsOf(root);
    expect(errors).toEqual([
      expect.stringMatching(/^locales\/zh-CN\/flow\.json:23:5 this key appears twice in the same object/),
    ]);
  });

  it('the hook for other files (keyword lists) reports entries that point nowhere at their own line', () => {
    const file = 'flows/keywords/zh-CN.yaml';
    const text =
      'words:\n  - { word: 卡盟, platform: shop }\n  - { word: 钱包, platform: walet }\n  - { word: 付款, state: channel, choice: pay }\n  - { word: 退钱, command: refund }\n';
    EXTRA_CHECKS.push((ctx) => {
      ctx.raw.sources.parse(file, text);
      const entries = (parseDocument(text).toJS() as { words: Record<string, string>[] }).words.map(
        (w, i) => ({
          path: ['words', i],
          target: w.platform
            ? { platform: w.platform }
            : w.command
              ? { command: w.command }
              : { state: w.state ?? '', choice: w.choice ?? '' },
        }),
      );
      checkKeywordTargets(ctx, file, entries);
    });
    try {
      const { errors } = problemsOf(fixtureTree());
      expectProblem(
        errors,
        `${file}:3:5`,
        /words\[1\]: points to platform "walet", which is not in the catalogue/,
      );
      expectProblem(
        errors,
        `${file}:4:5`,
        /words\[2\]: points to choice "pay" of state "channel", which that state does not offer/,
      );
      expect(errors).toHaveLength(2);
    } finally {
      EXTRA_CHECKS.pop();
    }
  });
});
