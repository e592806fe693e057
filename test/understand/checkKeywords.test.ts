import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkFlows } from '../../src/flows/check.ts';
import { formatFlowError } from '../../src/flows/errors.ts';
import { readFlowFiles } from '../../src/flows/load.ts';
import { ROOT } from '../support/app.ts';

// `flows check` on the free-text words: each mistake a maintainer can make in flows/understand.yaml or the
// `understand:` block of flows/guide.yaml is named at its own line, with what to do.
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function copyTree(): string {
  const d = mkdtempSync(join(tmpdir(), 'cancelmate-words-'));
  dirs.push(d);
  cpSync(join(ROOT, 'flows'), join(d, 'flows'), { recursive: true });
  cpSync(join(ROOT, 'locales'), join(d, 'locales'), { recursive: true });
  return d;
}

/** Replaces `from` with `to` in `file`, and returns the 1-based line where `marker` now is. */
function edit(root: string, file: string, from: string, to: string, marker: string): number {
  const p = join(root, file);
  const before = readFileSync(p, 'utf8');
  expect(before).toContain(from);
  const after = before.replace(from, to);
  writeFileSync(p, after);
  const at = after.indexOf(marker);
  expect(at).toBeGreaterThanOrEqual(0);
  return after.slice(0, at).split('\n').length;
}

function check(root: string): string[] {
  const raw = readFlowFiles({ flowsDir: join(root, 'flows'), localesDir: join(root, 'locales'), root });
  expect(raw.errors.map(formatFlowError)).toEqual([]);
  // On or after the shipped flows' latest compiled date (Google Play: 2026-11-30).
  return checkFlows(raw, new Date('2026-11-30T08:00:00Z')).errors.map(formatFlowError);
}

const WORDS = 'flows/understand.yaml';

describe('flows check: the words the guide understands', () => {
  it('passes the shipped words', () => {
    expect(check(ROOT)).toEqual([]);
  });

  it('names an unknown platform id, with the ids there are', () => {
    const root = copyTree();
    const line = edit(root, WORDS, '      iqiyi: [iqy,', '      iqiyy: [iqy,', 'iqiyy:');
    const errors = check(root);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^flows/understand\\.yaml:${line}:\\d+ understand\\.words\\.platforms\\.iqiyy: unknown platform "iqiyy" \\(one of .*iqiyi`,
      ),
    );
  });

  it('names a word given to two platforms, pointing at the first place', () => {
    const root = copyTree();
    const line = edit(
      root,
      WORDS,
      '      qq: [qq超级会员,',
      '      qq: [爱奇艺会员, qq超级会员,',
      '爱奇艺会员, qq超级会员',
    );
    const errors = check(root);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^flows/understand\\.yaml:${line}:\\d+ understand\\.words\\.platforms\\.qq\\[0\\]: "爱奇艺会员" already names platform "iqiyi" \\(flows/understand\\.yaml:\\d+\\).*ambiguous`,
      ),
    );
  });

  it('also when the first place is a catalogue alias', () => {
    const root = copyTree();
    const line = edit(root, WORDS, '      alipay: [花呗,', '      alipay: [QQ钱包, 花呗,', 'QQ钱包, 花呗');
    const errors = check(root);
    expect(errors[0]).toMatch(
      new RegExp(
        `^flows/understand\\.yaml:${line}:\\d+ .*"QQ钱包" already names platform "qq" \\(flows/platforms/qq\\.yaml:\\d+\\)`,
      ),
    );
  });

  it('names words for a value no choice takes, and a word with two meanings in one list', () => {
    const root = copyTree();
    const line = edit(
      root,
      WORDS,
      '        lifetime: [永久,',
      '        monthly: [月付]\n        lifetime: [永久, 包月,',
      'monthly:',
    );
    const errors = check(root);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^flows/understand\\.yaml:${line}:\\d+ understand\\.words\\.slots\\.membership\\.monthly: no choice of membership, membership_howto takes membership=monthly`,
          ),
        ),
        expect.stringMatching(
          /understand\.words\.slots\.membership\.lifetime\[1\]: "包月" is already a word for membership value "auto"/,
        ),
      ]),
    );
    expect(errors).toHaveLength(2);
  });

  it('names a value it would say back with no words for it', () => {
    const root = copyTree();
    edit(root, 'locales/en/common.json', '"fee": "they want a fee to cancel",', '', '"finalsay"');
    edit(root, 'locales/zh-CN/common.json', '"fee": "取消要交违约金或补差价",', '', '"finalsay"');
    const line =
      readFileSync(join(root, WORDS), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(' fee: [')) + 1;
    const errors = check(root);
    expect(errors).toEqual(
      ['zh-CN', 'en'].map((lang) =>
        expect.stringMatching(
          new RegExp(
            `^flows/understand\\.yaml:${line}:\\d+ understand\\.words\\.slots\\.reason\\.fee: nothing to say reason=fee back with: add "understand\\.reason\\.fee" to locales/${lang}/common\\.json`,
          ),
        ),
      ),
    );
  });

  it('names a "*" with nothing on one side', () => {
    const root = copyTree();
    const line = edit(root, WORDS, '        [取消, 退订,', '        ["*取消", 退订,', '"*取消"');
    const errors = check(root);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^flows/understand\\.yaml:${line}:\\d+ understand\\.words\\.intents\\.cancel\\[0\\]: "\\*取消" matches nothing`,
      ),
    );
  });

  it('names a state that does not exist in asks and intents, and a slot no question asks', () => {
    const root = copyTree();
    edit(root, 'flows/guide.yaml', '    personal_use: use\n', '', 'redflags: danger');
    const asks = edit(
      root,
      'flows/guide.yaml',
      '    membership_howto: membership',
      '    membership_howt: membership',
      'membership_howt:',
    );
    const intents = edit(
      root,
      'flows/guide.yaml',
      '    refund: refund_start\n    wrongful',
      '    refund: refund_strat\n    wrongful',
      'refund: refund_strat',
    );
    const errors = check(root);
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^flows/guide\\.yaml:${asks}:\\d+ understand\\.asks\\.membership_howt: "membership_howt" is not a state`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^flows/guide\\.yaml:${intents}:\\d+ understand\\.intents\\.refund: goes to "refund_strat", which is not a state`,
        ),
      ),
      expect.stringMatching(
        /^flows\/understand\.yaml:\d+:\d+ understand\.words\.slots\.use: no question asks "use"/,
      ),
    ]);
  });

  it('rejects an unknown field in the block at its own line (schema)', () => {
    const root = copyTree();
    const line = edit(root, WORDS, '    negations:', '    negatons: [x]\n    negations:', 'negatons:');
    const raw = readFlowFiles({ flowsDir: join(root, 'flows'), localesDir: join(root, 'locales'), root });
    expect(raw.errors.map(formatFlowError)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^flows/understand\\.yaml:${line}:\\d+ understand\\.words\\.negatons: unknown field "negatons"`,
        ),
      ),
    ]);
  });
});
