import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleFrom } from '../flows/bundle.ts';
import { checkFlows, staleDaysFrom } from '../flows/check.ts';
import { checkCoverage, formatCoverage } from '../flows/checks/coverage.ts';
import { checkPaths } from '../flows/checks/paths.ts';
import { CheckReport } from '../flows/checks/report.ts';
import { byPosition, type FlowError, FlowValidationError, formatFlowError } from '../flows/errors.ts';
import { exploreFlow } from '../flows/explore.ts';
import { flowDiagrams } from '../flows/graph.ts';
import { type FlowDirs, readFlowFiles } from '../flows/load.ts';
import { createTranslator } from '../i18n/translator.ts';
import { formatFailures, readScripts, runScripts } from './conversations.ts';
import { diffAgainstRevision, FlowDiffError, formatFlowDiff } from './diff.ts';
import { checkGenerated, type GeneratedDirs, writeDiagrams, writeSchemas } from './generated.ts';
import { REPORT_USAGE } from './report.ts';

/**
 * `npm run flows -- <command>`, the maintainers' tools:
 *
 * - `check [--coverage]`: everything (schema, dialogue, catalogue and provenance, translations, citations, the
 *   walk over every situation, coverage, generated files); errors with `file:line:col` and a fix, exit 2.
 * - `graph [--stdout]`: writes docs/flows/<flow>.md (Mermaid).
 * - `schema`: writes flows/schema*.json and the `$schema` first line of each YAML file.
 * - `test [FILE…]`: runs the scripted dialogues in test/conversations/; exit 1 when one fails.
 * - `diff <git-rev>`: the conversations that changed since `<git-rev>`, as before/after text.
 * - `report`: the outcomes users reported, from the data directory (async: see report.ts, wired in cli.ts).
 *
 * @example
 * const code = runFlowsCommand(['check'], { dirs, env: process.env, out: process.stdout, err: process.stderr });
 */
export interface FlowsCliIO {
  dirs: FlowDirs & { root: string };
  /** Reads FLOWS_STALE_DAYS (unless `staleDays` is given). */
  env: Readonly<Record<string, string | undefined>>;
  /** FLOWS_STALE_DAYS as the configuration read it; wins over `env`. */
  staleDays?: number;
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
  /** The clock (dates in the future, ages of paths); default now. */
  now?: Date;
}

/** The usage line of each command. */
export const FLOWS_USAGE = `  cli flows check [--coverage]
  cli flows graph [--stdout]
  cli flows schema
  cli flows test [FILE…]
  cli flows diff GIT-REV
${REPORT_USAGE}`;

/**
 * See {@link FlowsCliIO}. Returns the exit code: 0 ok, 1 a scripted dialogue failed, 2 bad flows or usage.
 *
 * @example
 * process.exitCode = runFlowsCommand(['diff', 'main'], io);
 */
export function runFlowsCommand(args: readonly string[], io: FlowsCliIO): number {
  const [sub, ...rest] = args;
  const gen: GeneratedDirs = {
    flowsDir: io.dirs.flowsDir,
    diagramsDir: join(io.dirs.root, 'docs', 'flows'),
    root: io.dirs.root,
  };
  switch (sub) {
    case 'check':
      return check(rest, io, gen);
    case 'graph':
      return graph(rest, io, gen);
    case 'schema': {
      const written = writeSchemas(readFlowFiles(io.dirs), gen);
      io.out.write(
        written.length ? `wrote ${written.join(', ')}\n` : 'schemas and first lines already up to date\n',
      );
      return 0;
    }
    case 'test':
      return test(rest, io);
    case 'diff':
      return diff(rest, io);
    default:
      io.err.write(`Usage:\n${FLOWS_USAGE}`);
      return 2;
  }
}

function check(args: readonly string[], io: FlowsCliIO, gen: GeneratedDirs): number {
  const { values } = parseArgs({ args: [...args], options: { coverage: { type: 'boolean' } } });
  const now = io.now ?? new Date();
  const staleDays = io.staleDays ?? staleDaysFrom(io.env.FLOWS_STALE_DAYS);
  const raw = readFlowFiles(io.dirs);
  const report = new CheckReport(raw.sources);
  const errors: FlowError[] = [...raw.errors];
  const warnings: FlowError[] = [];
  let summary = '';
  if (raw.errors.length === 0) {
    const checked = checkFlows(raw, now, { staleDays });
    errors.push(...checked.errors);
    warnings.push(...checked.warnings);
    checkGenerated(raw, checked, gen, report);
    if (checked.errors.length === 0) {
      const bundle = bundleFrom(raw, now, { staleDays });
      const world = exploreFlow(bundle);
      checkPaths(bundle, world, report);
      const coverage = checkCoverage(
        bundle,
        world,
        report,
        new Map(raw.platforms.map((p) => [p.platform.id, p.file])),
      );
      const count = (s: string) => coverage.cells.filter((c) => c.status === s).length;
      summary =
        `flows ok: version ${bundle.version}, ${Object.keys(bundle.states).length} states, ${bundle.catalogue.list.length} platforms; ` +
        `${world.configs.length} situations walked; coverage ${bundle.catalogue.list.length} platforms × ${coverage.memberships.length} membership types × 4 channels: ` +
        `${count('steps')} steps, ${count('escalation')} escalation, ${count('gap')} gaps\n`;
      if (values.coverage) summary += formatCoverage(coverage);
    }
  } else checkGenerated(raw, undefined, gen, report);
  errors.push(...report.errors);
  warnings.push(...report.warnings);
  for (const w of byPosition(warnings)) io.err.write(`warning: ${formatFlowError(w)}\n`);
  if (errors.length) {
    io.err.write(`${byPosition(errors).map(formatFlowError).join('\n')}\n`);
    // Schema and cross-file errors stop the guide from loading; the walk's and the generated files' do not.
    const fatal = errors.length - report.errors.length;
    io.err.write(
      `flows check: ${errors.length} error(s), ${warnings.length} warning(s)${fatal ? `; ${fatal} of them would stop the guide from loading` : ''}.\n`,
    );
    return 2;
  }
  io.out.write(
    summary.replace('flows ok:', `flows ok${warnings.length ? ` (${warnings.length} warning(s))` : ''}:`),
  );
  return 0;
}

function graph(args: readonly string[], io: FlowsCliIO, gen: GeneratedDirs): number {
  const { values } = parseArgs({ args: [...args], options: { stdout: { type: 'boolean' } } });
  const raw = readFlowFiles(io.dirs);
  if (raw.errors.length) throw new FlowValidationError(raw.errors);
  const checked = checkFlows(raw, io.now ?? new Date());
  if (checked.errors.length) throw new FlowValidationError(checked.errors);
  if (values.stdout) {
    const pages = flowDiagrams({
      states: checked.states,
      commands: checked.commands,
      locales: raw.locales,
      lang: 'zh-CN',
      texts: raw.texts,
    });
    io.out.write([...pages.values()].join('\n'));
    return 0;
  }
  const written = writeDiagrams(raw, checked, gen);
  io.out.write(written.length ? `wrote ${written.join(', ')}\n` : 'diagrams already up to date\n');
  return 0;
}

function test(files: readonly string[], io: FlowsCliIO): number {
  const now = io.now ?? new Date();
  const bundle = bundleFrom(readFlowFiles(io.dirs), now, {
    staleDays: io.staleDays ?? staleDaysFrom(io.env.FLOWS_STALE_DAYS),
  });
  const env = { bundle, tr: createTranslator(bundle.locales) };
  const results = runScripts(env, readScripts(join(io.dirs.root, 'test', 'conversations'), files), now);
  for (const r of results) io.out.write(r.ok ? `✓ ${r.file} — ${r.title}\n` : formatFailures(r));
  const failed = results.filter((r) => !r.ok).length;
  io.out.write(`${results.length - failed} of ${results.length} scripted dialogues passed\n`);
  return failed ? 1 : 0;
}

function diff(args: readonly string[], io: FlowsCliIO): number {
  const [rev, extra] = args;
  if (!rev || extra !== undefined) {
    io.err.write('Usage: cli flows diff GIT-REV   (e.g. main, HEAD~1, a commit id)\n');
    return 2;
  }
  const now = io.now ?? new Date();
  try {
    const scripts = readScripts(join(io.dirs.root, 'test', 'conversations'));
    io.out.write(formatFlowDiff(diffAgainstRevision({ rev, dirs: io.dirs, scripts, now }), rev));
    return 0;
  } catch (err) {
    if (err instanceof FlowDiffError) {
      io.err.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
