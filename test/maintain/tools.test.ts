import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { jsonSchemas, schemaLine } from '../../src/flows/jsonSchema.ts';
import { runFlowsCommand } from '../../src/maintain/flowsCli.ts';
import { cleanTrees, FIXTURE_NOW, fixtureTree } from '../flows/fixtureTree.ts';
import { ROOT } from '../support/app.ts';

// The maintainer commands (`npm run flows -- check | graph | schema | test | diff`), run in-process.
afterEach(cleanTrees);

function run(root: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = runFlowsCommand(args, {
    dirs: { flowsDir: join(root, 'flows'), localesDir: join(root, 'locales'), root },
    env: {},
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (err += s) },
    now: FIXTURE_NOW,
  });
  return { code, out, err };
}

function edit(file: string, fn: (s: string) => string) {
  const before = readFileSync(file, 'utf8');
  const after = fn(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
}

describe('generated files: diagrams, JSON Schemas, first lines', () => {
  it('`graph` writes a Mermaid page per flow file, `check` passes, and fails once the diagram is stale', () => {
    const root = fixtureTree(undefined, { generated: true });
    expect(run(root, 'check').err).toMatch(
      /docs\/flows\/main\.md:1:1 the diagram of flows\/main\.yaml is missing\n {4}fix: run `npm run flows -- graph`/,
    );
    expect(run(root, 'graph')).toMatchObject({ code: 0, out: 'wrote docs/flows/main.md\n' });
    const page = readFileSync(join(root, 'docs', 'flows', 'main.md'), 'utf8');
    expect(page).toContain('```mermaid\nflowchart TD\n');
    expect(page).toContain('s_welcome -->|"取消会员"| s_platform');
    expect(page).toContain('s_channel -->|"App [has:app, !tried:app]"| s_steps');
    expect(page).toContain('cmd_refund{{"say “refund”"}} -.-> s_refund');
    expect(run(root, 'check')).toMatchObject({ code: 0, err: '' });

    edit(join(root, 'locales', 'zh-CN', 'flow.json'), (s) =>
      s.replace('"cancel": "取消会员"', '"cancel": "取消会员或自动续费"'),
    );
    const stale = run(root, 'check');
    expect(stale.code).toBe(2);
    expect(stale.err).toMatch(
      /^docs\/flows\/main\.md:1:1 the diagram is out of date with flows\/main\.yaml or its texts\n {4}fix: run `npm run flows -- graph`/m,
    );
    run(root, 'graph');
    expect(run(root, 'check').code).toBe(0);
  });

  it('a diagram of a flow file that is gone is an error; `graph` removes it', () => {
    const root = fixtureTree(undefined, { generated: true });
    run(root, 'graph');
    const old = join(root, 'docs', 'flows', 'removed.md');
    cpSync(join(root, 'docs', 'flows', 'main.md'), old);
    expect(run(root, 'check').err).toMatch(
      /docs\/flows\/removed\.md:1:1 this diagram is of a flow file that no longer exists/,
    );
    run(root, 'graph');
    expect(existsSync(old)).toBe(false);
  });

  it('a stale JSON Schema or a missing $schema first line fails `check`; `schema` fixes both', () => {
    const root = fixtureTree(undefined, { generated: true });
    run(root, 'graph');
    edit(join(root, 'flows', 'schema.platform.json'), (s) => s.replace('"compiled"', '"checked"'));
    edit(join(root, 'flows', 'platforms', 'wallet.yaml'), (s) => s.split('\n').slice(1).join('\n'));
    const bad = run(root, 'check');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(
      /^flows\/schema\.platform\.json:1:1 the JSON Schema is out of date with src\/flows\/schema\.ts\n {4}fix: run `npm run flows -- schema`/m,
    );
    expect(bad.err).toMatch(
      /^flows\/platforms\/wallet\.yaml:1:1 the first line must name the file's JSON Schema: # yaml-language-server: \$schema=\.\.\/schema\.platform\.json/m,
    );
    expect(run(root, 'schema').out).toBe('wrote flows/schema.platform.json, flows/platforms/wallet.yaml\n');
    expect(run(root, 'check')).toMatchObject({ code: 0, err: '' });
  });

  it('the committed JSON Schemas accept every shipped file, and catch what zod catches', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    const schemas = jsonSchemas();
    const validators = {
      flow: ajv.compile(schemas['schema.json']),
      platform: ajv.compile(schemas['schema.platform.json']),
      citations: ajv.compile(schemas['schema.citations.json']),
    };
    const files = execFileSync('git', ['ls-files', 'flows'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const kind = f.includes('/platforms/')
        ? 'platform'
        : f.endsWith('citations.yaml')
          ? 'citations'
          : 'flow';
      const text = readFileSync(join(ROOT, f), 'utf8');
      expect(text.split('\n')[0], f).toBe(schemaLine(f));
      const ok = validators[kind](parse(text));
      expect(validators[kind].errors ?? [], f).toEqual([]);
      expect(ok).toBe(true);
    }
    // Both provenance marks at once, and a typo, fail in the editor too.
    const both = parse(
      readFileSync(
        join(
          import.meta.dirname,
          '..',
          'flows',
          'fixtures',
          'provenance-both',
          'flows',
          'platforms',
          'wallet.yaml',
        ),
        'utf8',
      ),
    );
    expect(validators.platform(both)).toBe(false);
    expect(validators.flow({ states: { a: { say: 'x.y', fianl: true } } })).toBe(false);
    // The committed copies are exactly what the zod schemas generate.
    for (const [name, schema] of Object.entries(schemas))
      expect(JSON.parse(readFileSync(join(ROOT, 'flows', name), 'utf8')), name).toEqual(schema);
  });
});

describe('`flows test`: the scripted dialogues', () => {
  it('passes the shipped scripts', () => {
    const r = run(ROOT, 'test');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^(\d+) of \1 scripted dialogues passed$/m);
  });

  it('a failing script prints the turn, what was expected and what the guide said, and exits 1', () => {
    const r = run(
      ROOT,
      'test',
      join(import.meta.dirname, '..', 'flows', 'fixtures', 'scripts', 'broken.yaml'),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('✗ ');
    expect(r.out).toContain('turn 3 (said "自动续费"): expected choice [2] Telegram\n  the guide said:\n');
    expect(r.out).toMatch(/ {4}\[2\] 联系客服\n/);
    expect(r.out).toContain('turn 4 (said "App"): expected "最后核实：2026-11-25"');
    expect(r.out).toContain('    根据公开教程整理（2026-11-25）。');
    expect(r.out).toContain('0 of 1 scripted dialogues passed');
  });
});

describe('`flows diff <git-rev>`: what users would see differently', () => {
  let repo = '';
  afterEach(() => {
    if (repo) rmSync(repo, { recursive: true, force: true });
    repo = '';
  });

  function gitRepo(): string {
    repo = mkdtempSync(join(tmpdir(), 'cancelmate-diff-test-'));
    for (const d of ['flows', 'locales']) cpSync(join(ROOT, d), join(repo, d), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.org', ...args], {
        cwd: repo,
        stdio: 'pipe',
      });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'flows as shipped');
    return repo;
  }

  it('shows a changed step as before/after text in the conversations that show it', () => {
    const root = gitRepo();
    expect(run(root, 'diff', 'HEAD').out).toMatch(
      /^No conversation changed between HEAD and the working tree \(\d+ compared\)\.\n$/,
    );
    edit(join(root, 'flows', 'platforms', 'qq.yaml'), (s) =>
      s.replace('- zh-CN: 进入「设置」→「自动扣费管理」。', '- zh-CN: 进入「设置」→「扣费服务管理」。'),
    );
    const r = run(root, 'diff', 'HEAD');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^\d+ of \d+ conversations changed between HEAD \(-\) and the working tree \(\+\); 1 distinct change\(s\):/,
    );
    expect(r.out).toContain(
      '  - 2. 进入「设置」→「自动扣费管理」。\n  + 2. 进入「设置」→「扣费服务管理」。\n',
    );
    // With context a reviewer can follow: the screen it is on.
    expect(r.out).toContain('    1. 在 QQ 里打开「QQ钱包」。\n');
    expect(r.out).toMatch(/zh-CN · the steps for qq · app/);
    // The English steps did not change.
    expect(r.out).not.toMatch(/^ {3}en · /m);
  });

  it('a revision that does not exist is a clear error', () => {
    const root = gitRepo();
    const r = run(root, 'diff', 'no-such-branch');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Is "no-such-branch" a commit, branch or tag of this repository\?/);
    expect(run(root, 'diff')).toMatchObject({
      code: 2,
      err: expect.stringContaining('Usage: cli flows diff GIT-REV'),
    });
    // Outside a repository there is nothing to compare with.
    const outside = run(fixtureTree(), 'diff', 'HEAD');
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/is not inside a git repository/);
  });
});
