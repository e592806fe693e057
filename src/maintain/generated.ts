import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CheckReport } from '../flows/checks/report.ts';
import type { CheckedStates } from '../flows/checks/states.ts';
import { flowDiagrams } from '../flows/graph.ts';
import { type JsonSchemaFile, jsonSchemas, schemaLine, schemaText } from '../flows/jsonSchema.ts';
import type { RawFlows } from '../flows/load.ts';

/**
 * The files generated from the flows and committed with them: the JSON Schemas (flows/schema*.json), the
 * `# yaml-language-server: $schema=…` first line of every YAML file under flows/, and the Mermaid diagrams
 * (docs/flows/<flow>.md). `check` fails when one is out of date and says which command rewrites it; `schema`
 * and `graph` write them.
 *
 * @example
 * checkGenerated(raw, flow, { flowsDir: 'flows', diagramsDir: 'docs/flows', root: '.' }, report);
 * writeSchemas(raw, { flowsDir: 'flows', diagramsDir: 'docs/flows', root: '.' }); // ['flows/schema.json', …]
 */
export interface GeneratedDirs {
  flowsDir: string;
  /** Where the diagrams go (docs/flows). */
  diagramsDir: string;
  /** Paths in messages are relative to this. */
  root: string;
}

const GENERATED_MARK = 'by `npm run flows -- graph`';

/**
 * See {@link GeneratedDirs}. `flow` is absent when the flow files do not parse (diagrams are then skipped).
 *
 * @example
 * checkGenerated(raw, undefined, dirs, report); // schemas and first lines only
 */
export function checkGenerated(
  raw: RawFlows,
  flow: Pick<CheckedStates, 'states' | 'commands'> | undefined,
  dirs: GeneratedDirs,
  report: CheckReport,
): void {
  const rel = (p: string) => relative(dirs.root, p) || p;
  for (const [name, schema] of Object.entries(jsonSchemas()) as [JsonSchemaFile, Record<string, unknown>][]) {
    const path = join(dirs.flowsDir, name);
    const hint = 'run `npm run flows -- schema` and commit the result';
    if (!existsSync(path)) {
      report.errorAt(rel(path), 1, 1, 'the JSON Schema is missing', hint);
      continue;
    }
    let committed: unknown;
    try {
      committed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      committed = undefined;
    }
    if (JSON.stringify(committed) !== JSON.stringify(schema))
      report.errorAt(rel(path), 1, 1, 'the JSON Schema is out of date with src/flows/schema.ts', hint);
  }
  for (const [file, text] of raw.texts) {
    if (!/\.ya?ml$/.test(file)) continue;
    const want = schemaLine(file);
    const first = text.split('\n', 1)[0] ?? '';
    if (first !== want)
      report.errorAt(
        file,
        1,
        1,
        `the first line must name the file's JSON Schema: ${want}`,
        'run `npm run flows -- schema` (it fixes the first lines), or paste that line at the top',
      );
  }
  if (!flow) return;
  const pages = flowDiagrams({
    states: flow.states,
    commands: flow.commands,
    locales: raw.locales,
    lang: 'zh-CN',
    texts: raw.texts,
  });
  const hint = 'run `npm run flows -- graph` and commit docs/flows/';
  for (const [name, page] of pages) {
    const path = join(dirs.diagramsDir, `${name}.md`);
    if (!existsSync(path))
      report.errorAt(rel(path), 1, 1, `the diagram of flows/${name}.yaml is missing`, hint);
    else if (readFileSync(path, 'utf8') !== page)
      report.errorAt(
        rel(path),
        1,
        1,
        `the diagram is out of date with flows/${name}.yaml or its texts`,
        hint,
      );
  }
  for (const stale of staleDiagrams(dirs.diagramsDir, pages))
    report.errorAt(
      rel(stale),
      1,
      1,
      'this diagram is of a flow file that no longer exists',
      `delete it, or ${hint}`,
    );
}

/** Generated diagram pages in `dir` that no flow file produces any more. */
function staleDiagrams(dir: string, pages: ReadonlyMap<string, string>): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && !pages.has(f.replace(/\.md$/, '')))
    .map((f) => join(dir, f))
    .filter((p) => readFileSync(p, 'utf8').includes(GENERATED_MARK));
}

/**
 * Writes the JSON Schemas and fixes the first line of every YAML file under flows/; returns what it changed.
 *
 * @example
 * writeSchemas(readFlowFiles(dirs), gen); // ['flows/schema.json']
 */
export function writeSchemas(raw: RawFlows, dirs: GeneratedDirs): string[] {
  const written: string[] = [];
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    const path = join(dirs.flowsDir, name);
    const text = schemaText(schema);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    writeFileSync(path, text);
    written.push(relative(dirs.root, path));
  }
  for (const [file, text] of raw.texts) {
    if (!/\.ya?ml$/.test(file)) continue;
    const want = schemaLine(file);
    const [first = '', ...rest] = text.split('\n');
    if (first === want) continue;
    const body = first.startsWith('# yaml-language-server:') ? rest.join('\n') : text;
    writeFileSync(join(raw.root, file), `${want}\n${body}`);
    written.push(file);
  }
  return written;
}

/**
 * Writes docs/flows/<flow>.md for every flow file and removes diagrams of flows that are gone.
 *
 * @example
 * writeDiagrams(raw, checkFlows(raw, new Date()), gen); // ['docs/flows/guide.md']
 */
export function writeDiagrams(
  raw: RawFlows,
  flow: Pick<CheckedStates, 'states' | 'commands'>,
  dirs: GeneratedDirs,
): string[] {
  const pages = flowDiagrams({
    states: flow.states,
    commands: flow.commands,
    locales: raw.locales,
    lang: 'zh-CN',
    texts: raw.texts,
  });
  mkdirSync(dirs.diagramsDir, { recursive: true });
  const written: string[] = [];
  for (const [name, page] of pages) {
    const path = join(dirs.diagramsDir, `${name}.md`);
    if (existsSync(path) && readFileSync(path, 'utf8') === page) continue;
    writeFileSync(path, page);
    written.push(relative(dirs.root, path));
  }
  for (const stale of staleDiagrams(dirs.diagramsDir, pages)) {
    rmSync(stale);
    written.push(`${relative(dirs.root, stale)} (removed)`);
  }
  return written;
}
