import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFrom } from '../../src/flows/bundle.ts';
import { checkFlows } from '../../src/flows/check.ts';
import { type Coverage, checkCoverage } from '../../src/flows/checks/coverage.ts';
import { checkPaths } from '../../src/flows/checks/paths.ts';
import { CheckReport } from '../../src/flows/checks/report.ts';
import { formatFlowError } from '../../src/flows/errors.ts';
import { exploreFlow } from '../../src/flows/explore.ts';
import { type RawFlows, readFlowFiles } from '../../src/flows/load.ts';
import { ROOT } from '../support/app.ts';

/** The fixtures: base/ passes every check; each other folder holds the files it changes, each broken on purpose. */
export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** The day the fixtures are checked on (their dates are relative to it). */
export const FIXTURE_NOW = new Date('2026-11-30T08:00:00Z');

const made: string[] = [];

/**
 * A temporary copy of fixtures/base with fixtures/<overlay> laid over it (and, with `generated`, the committed
 * JSON Schemas copied in, for the CLI); paths in problems are relative to its root. Removed by {@link cleanTrees}.
 */
export function fixtureTree(overlay?: string, opts: { generated?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'cancelmate-fixture-'));
  made.push(root);
  cpSync(join(FIXTURES, 'base'), root, { recursive: true });
  if (overlay) {
    const dir = join(FIXTURES, overlay);
    if (!existsSync(dir)) throw new Error(`no fixture ${dir}`);
    cpSync(dir, root, { recursive: true });
  }
  if (opts.generated)
    for (const f of ['schema.json', 'schema.platform.json', 'schema.citations.json'])
      cpSync(join(ROOT, 'flows', f), join(root, 'flows', f));
  return root;
}

/** Removes every tree {@link fixtureTree} made. */
export function cleanTrees(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Reads a tree's flows and locales, relative to its root. */
export function readTree(root: string): RawFlows {
  return readFlowFiles({ flowsDir: join(root, 'flows'), localesDir: join(root, 'locales'), root });
}

/**
 * Every check over a tree (schema, cross-file, and, when those pass, the walk and coverage), as
 * `file:line:col path: message` lines (hints on the next line).
 */
export function problemsOf(
  root: string,
  opts: { staleDays?: number } = {},
): { errors: string[]; warnings: string[]; coverage?: Coverage } {
  const raw = readTree(root);
  if (raw.errors.length) return { errors: raw.errors.map(formatFlowError), warnings: [] };
  const checked = checkFlows(raw, FIXTURE_NOW, opts);
  const errors = checked.errors.map(formatFlowError);
  const warnings = checked.warnings.map(formatFlowError);
  if (errors.length) return { errors, warnings };
  const bundle = bundleFrom(raw, FIXTURE_NOW, opts);
  const report = new CheckReport(raw.sources);
  const world = exploreFlow(bundle);
  checkPaths(bundle, world, report);
  const coverage = checkCoverage(
    bundle,
    world,
    report,
    new Map(raw.platforms.map((p) => [p.platform.id, p.file])),
  );
  return {
    errors: report.errors.map(formatFlowError),
    warnings: [...warnings, ...report.warnings.map(formatFlowError)],
    coverage,
  };
}
