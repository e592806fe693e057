import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFlowBundle } from '../../src/flows/bundle.ts';
import { FlowValidationError, formatFlowError } from '../../src/flows/errors.ts';
import { ROOT } from '../support/app.ts';

// Broken flow files must fail loudly, with file:line:col, and never half-load.
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function copyTree(): string {
  const d = mkdtempSync(join(tmpdir(), 'cancelmate-flows-'));
  dirs.push(d);
  cpSync(join(ROOT, 'flows'), join(d, 'flows'), { recursive: true });
  cpSync(join(ROOT, 'locales'), join(d, 'locales'), { recursive: true });
  return d;
}

function edit(root: string, file: string, fn: (s: string) => string) {
  const p = join(root, file);
  const before = readFileSync(p, 'utf8');
  const after = fn(before);
  expect(after).not.toBe(before);
  writeFileSync(p, after);
}

function errorsOf(root: string): string[] {
  try {
    loadFlowBundle({ flowsDir: join(root, 'flows'), localesDir: join(root, 'locales'), root });
  } catch (err) {
    expect(err).toBeInstanceOf(FlowValidationError);
    return (err as FlowValidationError).errors.map(formatFlowError);
  }
  throw new Error('expected the flows to be rejected');
}

describe('loading flow files', () => {
  it('loads the shipped flows', () => {
    const b = loadFlowBundle({ flowsDir: join(ROOT, 'flows'), localesDir: join(ROOT, 'locales') });
    expect(b.version).toMatch(/^2026\.11\.25\+[0-9a-f]{8}$/);
    expect(b.catalogue.list.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        'kamen',
        'qq',
        'tencent_video',
        'iqiyi',
        'wechatpay',
        'alipay',
        'apple',
        'googleplay',
        'other',
      ]),
    );
  });

  it('bad YAML names the file, line and column', () => {
    const root = copyTree();
    edit(root, 'flows/escalate.yaml', (s) =>
      s.replace('  personal_use:\n', '  personal_use:\n    ask: [unclosed\n'),
    );
    const errors = errorsOf(root);
    expect(errors.some((e) => /^flows\/escalate\.yaml:\d+:\d+ .*YAML/.test(e))).toBe(true);
  });

  it('an unknown field is an error at its own position', () => {
    const root = copyTree();
    edit(root, 'flows/platforms/iqiyi.yaml', (s) =>
      s.replace('    compiled: "2026-11-25"', '    compield: "2026-11-25"'),
    );
    const errors = errorsOf(root);
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^flows\/platforms\/iqiyi\.yaml:13:5 channels\.app\.compield: unknown field "compield"/,
      ),
    );
  });

  it('a step that is neither a key nor {zh-CN, en} says what is expected', () => {
    const root = copyTree();
    edit(root, 'flows/platforms/iqiyi.yaml', (s) =>
      s.replace(/ {6}- zh-CN: 点「我的VIP会员」。\n {8}en: .*\n/, '      - 点「我的VIP会员」\n'),
    );
    const errors = errorsOf(root);
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^flows\/platforms\/iqiyi\.yaml:\d+:\d+ channels\.app\.steps\[1\]: expected a translation key or \{zh-CN, en\} text/,
      ),
    );
  });

  it('a dangling target, a missing translation and an unreachable state are each named', () => {
    const root = copyTree();
    edit(root, 'flows/guide.yaml', (s) =>
      s.replace('to: refund_start, set: { goal: refund }', 'to: refund_strat, set: { goal: refund }'),
    );
    edit(root, 'flows/redflags.yaml', (s) => s.replace('label: redflags.gone,', 'label: redflags.goone,'));
    edit(root, 'flows/escalate.yaml', (s) => `${s}\n  orphan:\n    say: done.text\n    final: true\n`);
    const errors = errorsOf(root);
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^flows\/guide\.yaml:\d+:\d+ states\.welcome\.choices\[1\]\.to: goes to "refund_strat", which is not a state/,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^flows\/redflags\.yaml:\d+:\d+ .*translation key "redflags\.goone" is missing in locales\/zh-CN\/flow\.json/,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(/^flows\/escalate\.yaml:\d+:\d+ states\.orphan: state "orphan" is unreachable/),
    );
  });

  it('a locale key present in one language only, and a condition naming an unknown channel, are errors', () => {
    const root = copyTree();
    edit(root, 'locales/en/flow.json', (s) =>
      s.replace('"ask": "What would you like to do?",', '"ask": "What would you like to do?", "extra": "x",'),
    );
    edit(root, 'flows/guide.yaml', (s) =>
      s.replace('"has:website", "!tried:website"', '"has:webiste", "!tried:website"'),
    );
    const errors = errorsOf(root);
    // Located at the object the key belongs in (the "welcome" block), in the file it is missing from.
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^locales\/zh-CN\/flow\.json:2:\d+ welcome\.extra: "welcome\.extra" is missing here but present in locales\/en\/flow\.json/,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^flows\/guide\.yaml:\d+:\d+ states\.channel\.choices\[0\]\.when\[0\]: unknown channel "webiste"/,
      ),
    );
  });

  it('a compiled date in the future and a path with neither verified nor compiled are rejected', () => {
    const root = copyTree();
    edit(root, 'flows/platforms/alipay.yaml', (s) =>
      s.replace('compiled: "2026-11-25"', 'compiled: "2999-01-01"'),
    );
    expect(errorsOf(root)).toContainEqual(
      expect.stringMatching(
        /alipay\.yaml:\d+:\d+ channels\.payment\.compiled: compiled date 2999-01-01 is in the future/,
      ),
    );
    // Schema errors are reported first; cross-file checks run once every file parses.
    edit(root, 'flows/platforms/apple.yaml', (s) => s.replace(/ {4}compiled: "2026-11-25".*\n/, ''));
    expect(errorsOf(root)).toContainEqual(
      expect.stringMatching(/apple\.yaml:\d+:\d+ channels\.payment: give either verified/),
    );
  });

  it('`flows check` exits 2 and prints file:line:col for a broken tree, 0 for the shipped one', () => {
    const root = copyTree();
    edit(root, 'flows/guide.yaml', (s) =>
      s.replace('to: refund_start, set: { goal: refund }', 'to: nowhere, set: { goal: refund }'),
    );
    const cli = join(ROOT, 'src', 'cli.ts');
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const bad = spawnSync(tsx, [cli, 'flows', 'check'], {
      cwd: root,
      env: { ...process.env, FLOWS_DIR: join(root, 'flows'), LOCALES_DIR: join(root, 'locales') },
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /flows\/guide\.yaml:\d+:\d+ states\.welcome\.choices\[1\]\.to: goes to "nowhere"/,
    );
    const good = spawnSync(tsx, [cli, 'flows', 'check'], { cwd: ROOT, encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/flows ok: version 2026\.11\.25\+[0-9a-f]{8}, \d+ states, 9 platforms/);
  });
});
