import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { z } from 'zod';
import { LANGS, type Lang } from '../i18n/lang.ts';
import { CITATIONS_FILE, type CitationTable, CitationTableSchema } from './citations.ts';
import type { FlowError } from './errors.ts';
import { type FlowFile, FlowFileSchema, type Platform, PlatformSchema, type StateDef } from './schema.ts';
import { formatPath, SourceMap } from './sourceMap.ts';

/**
 * Reads every flow, catalogue and locale file, with positions, and validates each against its schema.
 * Cross-file checks (dangling targets, missing translations, unreachable states) live in check.ts.
 *
 * @example
 * const raw = readFlowFiles({ flowsDir: 'flows', localesDir: 'locales', root: process.cwd() });
 * if (raw.errors.length) console.error(raw.errors);
 */
export interface RawFlows {
  root: string;
  sources: SourceMap;
  files: { file: string; flow: FlowFile }[];
  platforms: { file: string; platform: Platform }[];
  /** locales[lang][namespace] = nested JSON object. */
  locales: Record<Lang, Record<string, Record<string, unknown>>>;
  /** The table of laws and articles the texts may cite (flows/citations.yaml), when it parses. */
  citations?: { file: string; table: CitationTable };
  /** The text of every file read, by its path relative to `root` (for checks that scan raw text). */
  texts: Map<string, string>;
  /** SHA-256 over every file read, for the flow version. */
  digest: string;
  errors: FlowError[];
}

/** Files in flows/ that are not flow files (the citations table). */
export const NOT_FLOW_FILES: readonly string[] = [CITATIONS_FILE];

/** Where to read from. Paths in messages are relative to `root`. */
export interface FlowDirs {
  flowsDir: string;
  localesDir: string;
  root?: string;
}

/** A state as loaded, remembering its file. */
export type LoadedState = StateDef & { file: string };

/** See {@link RawFlows}. */
export function readFlowFiles(dirs: FlowDirs): RawFlows {
  const root = dirs.root ?? process.cwd();
  const sources = new SourceMap();
  const out: RawFlows = {
    root,
    sources,
    files: [],
    platforms: [],
    locales: { 'zh-CN': {}, en: {} },
    texts: new Map(),
    digest: '',
    errors: [],
  };
  const hash = createHash('sha256');
  const rel = (p: string) => relative(root, p) || p;

  const read = (path: string) => {
    const file = rel(path);
    const text = readFileSync(path, 'utf8');
    hash.update(file).update(text);
    out.texts.set(file, text);
    return { file, text };
  };
  for (const path of listFiles(dirs.flowsDir, /\.ya?ml$/, false)) {
    if (NOT_FLOW_FILES.includes(basename(path))) continue;
    const { file, text } = read(path);
    const parsed = parseYaml(sources, file, text, FlowFileSchema, out.errors);
    if (parsed) out.files.push({ file, flow: parsed });
  }
  const citationsPath = join(dirs.flowsDir, CITATIONS_FILE);
  if (existsSync(citationsPath)) {
    const { file, text } = read(citationsPath);
    const table = parseYaml(sources, file, text, CitationTableSchema, out.errors);
    if (table) out.citations = { file, table };
  }
  for (const path of listFiles(join(dirs.flowsDir, 'platforms'), /\.ya?ml$/, false)) {
    const { file, text } = read(path);
    const parsed = parseYaml(sources, file, text, PlatformSchema, out.errors);
    if (parsed) out.platforms.push({ file, platform: parsed });
  }
  for (const lang of LANGS) {
    for (const path of listFiles(join(dirs.localesDir, lang), /\.json$/, true)) {
      const { file, text } = read(path);
      const ns = basename(path).replace(/\.json$/, '');
      // JSON is YAML: parsing it here too gives every key a line and column, and catches duplicate keys,
      // which JSON.parse silently resolves in favour of the last one.
      const doc = sources.parse(file, text);
      for (const e of doc.errors.filter((x) => x.code === 'DUPLICATE_KEY'))
        out.errors.push({
          file,
          ...sources.position(file, e.pos[0]),
          path: '',
          message: 'this key appears twice in the same object; only the last one would be used',
          hint: 'delete or rename one of the two',
        });
      try {
        const json: unknown = JSON.parse(text);
        if (!json || typeof json !== 'object' || Array.isArray(json))
          throw new Error('expected a JSON object');
        out.locales[lang][ns] = json as Record<string, unknown>;
      } catch (err) {
        out.errors.push({
          file,
          line: 1,
          col: 1,
          path: '',
          message: `invalid JSON: ${(err as Error).message}`,
        });
      }
    }
  }
  if (out.files.length === 0)
    out.errors.push({
      file: rel(dirs.flowsDir),
      line: 1,
      col: 1,
      path: '',
      message: 'no flow files (*.yaml) found',
    });
  out.digest = hash.digest('hex');
  return out;
}

function listFiles(dir: string, pattern: RegExp, required: boolean): string[] {
  try {
    if (!statSync(dir).isDirectory()) return [];
  } catch {
    if (required) throw new Error(`Directory ${dir} is missing: check FLOWS_DIR / LOCALES_DIR.`);
    return [];
  }
  return readdirSync(dir)
    .filter((n) => pattern.test(n))
    .sort()
    .map((n) => join(dir, n));
}

function parseYaml<T>(
  sources: SourceMap,
  file: string,
  text: string,
  schema: z.ZodType<T>,
  errors: FlowError[],
): T | undefined {
  const doc = sources.parse(file, text);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = sources.position(file, e.pos[0]);
      errors.push({ file, ...pos, path: '', message: `YAML: ${e.message.split('\n')[0]}` });
    }
    return undefined;
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({
          file,
          ...sources.locate(file, path, key),
          path: formatPath([...path, key]),
          message: `unknown field "${key}" (check the spelling; see docs/flows.md for the fields allowed here)`,
        });
      }
      continue;
    }
    errors.push({ file, ...sources.locate(file, path), path: formatPath(path), message: describe(issue) });
  }
  return undefined;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `missing: ${issue.message.replace(/, received undefined$/, '')}`;
  return issue.message;
}
