import { basename } from 'node:path';
import type { Lang } from '../i18n/lang.ts';
import type { LoadedState } from './load.ts';
import { lookup } from './localeTree.ts';
import type { Text } from './schema.ts';

/**
 * The dialogue as Mermaid flowcharts, one per flow file, for docs/flows/<flow>.md (Mermaid renders on GitHub,
 * GitLab, Gitea and most Markdown viewers). A node is a state with its question; an edge is a choice with its
 * label and conditions, a pick list or a typed fact; states in other files are drawn as links to their file;
 * the global command words point at their targets with dotted arrows.
 *
 * @example
 * const docs = flowDiagrams({ states, commands, locales, lang: 'zh-CN' });
 * docs.get('guide')?.startsWith('# Flow: guide'); // true
 */
export interface DiagramInput {
  states: Readonly<Record<string, LoadedState>>;
  commands: Readonly<Record<string, string>>;
  /** locales[lang].flow is used for the words on nodes and edges. */
  locales: Record<Lang, Record<string, Record<string, unknown>>>;
  lang: Lang;
  /** The text of each flow file (its leading comment becomes the page's introduction). */
  texts?: ReadonlyMap<string, string>;
}

/**
 * The diagram page of each flow file, by flow name (the file name without .yaml). See {@link DiagramInput}.
 *
 * @example
 * [...flowDiagrams(input).keys()]; // ['blocked', 'escalate', 'guide', 'redflags', 'refund']
 */
export function flowDiagrams(input: DiagramInput): Map<string, string> {
  const files = [...new Set(Object.values(input.states).map((s) => s.file))].sort();
  return new Map(files.map((file) => [flowName(file), diagramPage(input, file)]));
}

/**
 * The flow name of a file: `flows/guide.yaml` → `guide`.
 *
 * @example
 * flowName('flows/blocked.yaml'); // 'blocked'
 */
export function flowName(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '');
}

const MAX_LABEL = 40;

function diagramPage(input: DiagramInput, file: string): string {
  const name = flowName(file);
  const intro = leadingComment(input.texts?.get(file) ?? '');
  return [
    `# Flow: ${name}`,
    '',
    `<!-- Generated from ${file} by \`npm run flows -- graph\`. Do not edit by hand: \`npm run flows -- check\` fails when it is out of date. -->`,
    '',
    ...(intro ? [intro, ''] : []),
    `Words shown in ${input.lang}. Boxes are questions, the circle is the end, a box with side bars is a state in another file; a label in square brackets is the condition for the choice to be offered; dotted arrows are words the user can type at any time.`,
    '',
    '```mermaid',
    mermaidFor(input, file).trimEnd(),
    '```',
    '',
  ].join('\n');
}

/**
 * The Mermaid flowchart of one flow file. See {@link DiagramInput}.
 *
 * @example
 * mermaidFor(input, 'flows/guide.yaml').startsWith('flowchart TD'); // true
 */
export function mermaidFor(input: DiagramInput, file: string): string {
  const text = (t: Text | undefined) => words(input, t);
  const own = Object.entries(input.states).filter(([, s]) => s.file === file);
  const lines = ['flowchart TD'];
  const external = new Set<string>();
  for (const [id, st] of own) {
    const ask = text(st.ask);
    const label = ask ? `${id}<br/>${ask}` : id;
    lines.push(st.final ? `  ${node(id)}((${quote(label)}))` : `  ${node(id)}[${quote(label)}]`);
  }
  const edge = (from: string, to: string, label: string) => {
    if (input.states[to]?.file !== file) external.add(to);
    lines.push(`  ${node(from)} -->|${quote(label)}| ${node(to)}`);
  };
  for (const [id, st] of own) {
    for (const c of st.choices ?? [])
      edge(id, c.to, `${text(c.label) || c.id}${c.when?.length ? ` [${c.when.join(', ')}]` : ''}`);
    if (st.pick)
      edge(id, st.pick.to, st.pick.from === 'platforms' ? 'pick a platform' : 'pick a payment channel');
    if (st.fact && st.factTo) edge(id, st.factTo, `type the ${st.fact} (or skip)`);
  }
  for (const to of [...external].sort()) {
    const where = input.states[to]?.file;
    lines.push(`  ${node(to)}[[${quote(where ? `${to} (${basename(where)})` : `${to} (missing)`)}]]`);
  }
  for (const [cmd, to] of Object.entries(input.commands))
    if (input.states[to]?.file === file)
      lines.push(`  cmd_${cmd}{{${quote(`say “${cmd}”`)}}} -.-> ${node(to)}`);
  return `${lines.join('\n')}\n`;
}

/** Node ids get a prefix: Mermaid reserves words such as `end`. */
const node = (id: string) => `s_${id}`;

/** A Mermaid string: quoted, with quotes and angle brackets as entities (the <br/> we add stays). */
function quote(label: string): string {
  const safe = label
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/#lt;br\/#gt;/g, '<br/>');
  return `"${safe}"`;
}

function words(input: DiagramInput, t: Text | undefined): string {
  if (t === undefined) return '';
  const raw = typeof t === 'string' ? lookup(input.locales[input.lang].flow, t) : t[input.lang];
  const s = (typeof raw === 'string' ? raw : String(t)).replace(/\s+/g, ' ').trim();
  return [...s].length > MAX_LABEL ? `${[...s].slice(0, MAX_LABEL - 1).join('')}…` : s;
}

/** The comment lines at the top of a YAML file (after the schema line), as one paragraph. */
function leadingComment(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    if (line.startsWith('# yaml-language-server:')) continue;
    lines.push(line.replace(/^#\s?/, ''));
  }
  return lines.join(' ').trim();
}
