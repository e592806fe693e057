import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { loadFlowBundle } from '../flows/bundle.ts';
import { FlowValidationError, formatFlowError } from '../flows/errors.ts';
import type { FlowDirs } from '../flows/load.ts';
import { createTranslator } from '../i18n/translator.ts';
import type { ScriptFile } from './conversations.ts';
import { diffLines, type Hunk } from './lineDiff.ts';
import { type Replay, replayConversations } from './replay.ts';

/**
 * `flows diff <git-rev>`: what users would see differently. Replays every scripted dialogue and the shortest way
 * to every state (both languages) with the flows and texts at `<git-rev>` and with those in the working tree,
 * and prints the conversations that changed as before/after text (`-` before, `+` after), each distinct change
 * once with the conversations it appears in — readable without knowing YAML.
 *
 * @example
 * const report = diffFlowDirs(before, after, scripts, now);
 * console.log(formatFlowDiff(report, 'HEAD~1'));
 */
export interface ConversationChange {
  key: string;
  lang: string;
  title: string;
  kind: 'changed' | 'added' | 'removed';
  hunks: Hunk[];
}

/** What {@link diffFlowDirs} found. */
export interface FlowDiff {
  compared: number;
  changes: ConversationChange[];
}

/**
 * Thrown when one side cannot be loaded or read; the message says which and why.
 *
 * @example
 * try { diffAgainstRevision(opts); } catch (err) { if (err instanceof FlowDiffError) console.error(err.message); }
 */
export class FlowDiffError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowDiffError';
  }
}

/**
 * Compares the conversations of two flow trees (`before`, `after`), replayed with the same scripts and clock.
 *
 * @example
 * diffFlowDirs({ flowsDir: 'old/flows', localesDir: 'old/locales' }, { flowsDir: 'flows', localesDir: 'locales' }, [], now);
 */
export function diffFlowDirs(
  before: FlowDirs,
  after: FlowDirs,
  scripts: readonly ScriptFile[],
  now: Date,
): FlowDiff {
  const replay = (dirs: FlowDirs, side: string) => {
    try {
      const bundle = loadFlowBundle(dirs, now);
      return replayConversations({ bundle, tr: createTranslator(bundle.locales) }, scripts, now);
    } catch (err) {
      if (err instanceof FlowValidationError)
        throw new FlowDiffError(
          `The flows ${side} do not load with today's code, so there is nothing to compare:\n${err.errors.map(formatFlowError).join('\n')}\n(If the file format changed since then, diff against a revision after the change.)`,
        );
      throw err;
    }
  };
  return compareReplays(replay(before, 'before'), replay(after, 'after'));
}

/**
 * See {@link ConversationChange}: pairs replays by key and language and diffs their text.
 *
 * @example
 * compareReplays(before, after).changes.map((c) => c.title); // ['the steps for qq · app']
 */
export function compareReplays(before: readonly Replay[], after: readonly Replay[]): FlowDiff {
  const id = (r: Replay) => `${r.key}\u0000${r.lang}`;
  const old = new Map(before.map((r) => [id(r), r]));
  const now = new Map(after.map((r) => [id(r), r]));
  const changes: ConversationChange[] = [];
  for (const [k, a] of now) {
    const b = old.get(k);
    const lines = (r?: Replay) => (r ? r.text.split('\n') : []);
    if (b?.text === a.text) continue;
    const hunks = diffLines(lines(b), lines(a));
    if (hunks.length)
      changes.push({ key: a.key, lang: a.lang, title: a.title, kind: b ? 'changed' : 'added', hunks });
  }
  for (const [k, b] of old)
    if (!now.has(k))
      changes.push({
        key: b.key,
        lang: b.lang,
        title: b.title,
        kind: 'removed',
        hunks: diffLines(b.text.split('\n'), []),
      });
  return { compared: new Set([...old.keys(), ...now.keys()]).size, changes };
}

/**
 * The report a reviewer reads: how many conversations changed, then each distinct change once, under the
 * conversations it appears in.
 *
 * @example
 * formatFlowDiff({ compared: 87, changes: [] }, 'main'); // 'No conversation changed between main and the working tree (87 compared).\n'
 */
export function formatFlowDiff(diff: FlowDiff, rev: string): string {
  if (!diff.changes.length)
    return `No conversation changed between ${rev} and the working tree (${diff.compared} compared).\n`;
  const groups = new Map<string, { hunk: Hunk; where: string[] }>();
  for (const c of diff.changes) {
    const where = `${c.lang} · ${c.title}${c.kind === 'changed' ? '' : ` (${c.kind === 'added' ? 'new' : 'gone'})`}`;
    for (const h of c.hunks) {
      const g = groups.get(h.change) ?? { hunk: h, where: [] };
      if (!g.where.includes(where)) g.where.push(where);
      groups.set(h.change, g);
    }
  }
  const out = [
    `${diff.changes.length} of ${diff.compared} conversations changed between ${rev} (-) and the working tree (+); ${groups.size} distinct change(s):`,
    '',
  ];
  let n = 0;
  for (const { hunk, where } of groups.values()) {
    n += 1;
    const shown = where.slice(0, 3);
    const more = where.length - shown.length;
    out.push(`── change ${n}: in ${where.length} conversation(s) ──`);
    for (const w of shown) out.push(`   ${w}`);
    if (more > 0) out.push(`   … and ${more} more`);
    out.push('');
    out.push(...hunk.lines.map((l) => `  ${l[0]} ${l.slice(1)}`.trimEnd()));
    out.push('');
  }
  return `${out.join('\n')}`;
}

/**
 * Copies `paths` (relative to the repository root) as they are at `rev` into a new temporary directory, with
 * `git ls-tree` and `git show`. The caller removes it.
 *
 * @example
 * const dir = checkoutPaths('/repo', 'HEAD~1', ['flows', 'locales']);
 */
export function checkoutPaths(cwd: string, rev: string, paths: readonly string[]): string {
  const git = (args: string[], encoding: 'utf8' | 'buffer' = 'utf8') => {
    try {
      return execFileSync('git', args, {
        cwd,
        encoding: encoding === 'utf8' ? 'utf8' : 'buffer',
        maxBuffer: 64 << 20,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
      throw new FlowDiffError(
        `git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}. Is "${rev}" a commit, branch or tag of this repository?`,
      );
    }
  };
  const top = String(git(['rev-parse', '--show-toplevel'])).trim();
  git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  const dir = mkdtempSync(join(tmpdir(), 'cancelmate-diff-'));
  try {
    const rel = paths.map((p) => relative(top, resolve(cwd, p)) || '.');
    const files = String(git(['ls-tree', '-r', '--name-only', rev, '--', ...rel]))
      .split('\n')
      .filter(Boolean);
    for (const f of files) {
      const target = join(dir, f);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, git(['show', `${rev}:${f}`], 'buffer'));
    }
    return join(dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * {@link diffFlowDirs} between `rev` and the working tree, for the CLI: reads `rev`'s flows and locales with git
 * into a temporary directory and removes it afterwards.
 *
 * @example
 * console.log(formatFlowDiff(diffAgainstRevision({ rev: 'main', dirs, scripts, now: new Date() }), 'main'));
 */
export function diffAgainstRevision(opts: {
  rev: string;
  dirs: FlowDirs;
  scripts: readonly ScriptFile[];
  now: Date;
}): FlowDiff {
  const { rev, dirs } = opts;
  const cwd = dirs.root ?? process.cwd();
  let top: string;
  try {
    top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    throw new FlowDiffError(
      `${cwd} is not inside a git repository: \`flows diff\` compares with a git revision.`,
    );
  }
  const flows = relative(top, resolve(cwd, dirs.flowsDir));
  const locales = relative(top, resolve(cwd, dirs.localesDir));
  const dir = checkoutPaths(top, rev, [flows, locales]);
  try {
    const before: FlowDirs = { flowsDir: join(dir, flows), localesDir: join(dir, locales), root: dir };
    return diffFlowDirs(before, dirs, opts.scripts, opts.now);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
