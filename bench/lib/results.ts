/**
 * Where a bench run's figures go: a JSON file per run in bench/results/ (and `latest-<mode>.json`), a Markdown
 * table printed to the console, and — for a full run — the table and the plot put into bench/README.md
 * between its `<!-- results -->` markers.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';

/** bench/results/ */
export const RESULTS_DIR = join(import.meta.dirname, '..', 'results');

/**
 * The machine a run measured on (figures only compare within one run; this says what kind of box it was).
 *
 * @example
 * machine(); // { cores: 2, cpu: 'Intel Xeon …', node: 'v20.20.2', os: 'linux 6.18', memoryGb: 24, load: [2.6, …] }
 */
export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    os: `${platform()} ${release()}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    /** 1, 5 and 15-minute load averages when the run started: other work on the box shows here. */
    load: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/**
 * Writes `results` as `bench/results/<when>-<mode>.json` and `latest-<mode>.json`; returns the first path.
 *
 * @example
 * saveResults('quick', { machine: machine(), rows: … });
 */
export function saveResults(mode: 'quick' | 'full', results: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const file = join(RESULTS_DIR, `${stamp}-${mode}.json`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(RESULTS_DIR, `latest-${mode}.json`), text);
  formatted(file, join(RESULTS_DIR, `latest-${mode}.json`));
  return file;
}

/**
 * A Markdown table from a header row and body rows.
 *
 * @example
 * markdownTable(['what', 'ours'], [['per message', '150 µs']]);
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Replaces what lies between `<!-- results:start -->` and `<!-- results:end -->` in bench/README.md.
 *
 * @example
 * writeReadmeResults('## Latest full run\n\n| … |');
 */
export function writeReadmeResults(markdown: string): void {
  const readme = join(import.meta.dirname, '..', 'README.md');
  if (!existsSync(readme)) return;
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n${markdown}\n${text.slice(b)}`);
  formatted(readme);
}

/** Runs the project's formatter over `files` (tables lined up, JSON as committed), so `npm run check` stays clean. */
function formatted(...files: string[]): void {
  try {
    execFileSync(process.execPath, [BIOME, 'format', '--write', ...files], { stdio: 'ignore' });
  } catch {
    // no formatter here: the files are still right, only not laid out as biome would
  }
}

const BIOME = join(import.meta.dirname, '..', '..', 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
