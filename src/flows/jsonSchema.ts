import { z } from 'zod';
import { CitationTableSchema } from './citations.ts';
import {
  ChoiceSchema,
  FlowFileSchema,
  PathSchema,
  PlatformSchema,
  SourceSchema,
  StateSchema,
  TextSchema,
  WordSchema,
} from './schema.ts';

/**
 * JSON Schemas generated from the zod schemas, committed as flows/schema*.json so editors (the YAML language
 * server in VS Code and others) autocomplete and underline mistakes; each YAML file names its schema on its
 * first line. `flows check` fails when a committed schema or a first line is out of date, and
 * `npm run flows -- schema` rewrites them.
 *
 * @example
 * const files = jsonSchemas(); // { 'schema.json': {…}, 'schema.platform.json': {…}, 'schema.citations.json': {…} }
 */
export type JsonSchemaFile = 'schema.json' | 'schema.platform.json' | 'schema.citations.json';

/** What each field means, shown by editors on hover (keyed by the field name). */
const FIELD_HELP: Record<string, string> = {
  start: 'The first state of the dialogue (only in the main flow file, flows/guide.yaml).',
  version: 'The dialogue version, e.g. "2026.11.25"; bump it when you change the dialogue.',
  commands: 'Words the user can type anywhere to jump to a state: refund, redflag.',
  states: 'The states of the dialogue, by id.',
  say: 'Shown first: a text key, {zh-CN, en} text, or a list of them.',
  ask: 'The question, shown last with the choices (required unless final).',
  hint: 'Added when the answer was not understood.',
  choices: 'The answers on offer.',
  label: 'What the button says.',
  to: 'The next state.',
  set: 'Remember answers: field: value.',
  do: 'Effects: nextPage, firstPage, markTried.',
  when: 'Offer this choice only when every condition holds (field=value, has:app, !tried:app, kind:payment, morePages, lastPage, channelsLeft).',
  aliases: 'More words (any language) that pick this when typed.',
  pick: 'Offer the catalogue (platforms) or only the payment channels as choices.',
  steps: 'true: show the chosen platform’s steps for the chosen channel, a screen at a time.',
  'path.steps': 'The steps, in order: text keys or {zh-CN, en} text.',
  fact: 'Ask the user to type a fact (validated, skippable); reminder = a day today or later to be reminded on.',
  factTo: 'Where to go after the fact.',
  final: 'The end: the guide issues a receipt and offers a restart.',
  show: 'letters = show the demand letter and the 12315 text drafted from the facts; calendar = hand out a calendar file (.ics) for the day a fact: reminder question asked.',
  id: 'Lower-case letters, digits and _ (at most 32); it travels in Telegram buttons.',
  kind: 'kamen (a 卡盟 site) | service (what the membership is for) | payment | other.',
  order: 'Position in the platform list (lower first).',
  name: 'The name shown to users, in both languages.',
  'laws.name': 'The Chinese title as written inside 《》, e.g. 消费者权益保护法.',
  channels: 'The ways to cancel: website, app, support, payment.',
  warnings: 'What to watch out for, shown on the last page of steps.',
  source:
    'Where the path comes from: a text key, or per language a title (and a URL where one exists): {zh-CN: {title, url}, en: {title, url}}.',
  verified:
    'The day someone followed this path in the real app or site ("YYYY-MM-DD", quoted). Users see 「最后核实：日期」.',
  compiled:
    'The day this path was put together from public guides, not followed by us ("YYYY-MM-DD", quoted). Users see 「根据公开教程整理（日期）」.',
  title: 'The source’s title.',
  url: 'The source’s address (http:// or https://), where one exists.',
  laws: 'The laws the texts may cite.',
  'laws.en': 'The English names the English texts write before "Art.".',
  note: 'What it is and where it is checked (shared/knowledge/rights.md).',
  articles:
    'Each article the texts may cite, written as they write it (第十条第二款, Art. 16(m)), with what it says.',
};

/** Adds {@link FIELD_HELP} descriptions to every property, `owner` being the enclosing property or definition. */
function describe(node: unknown, owner: string): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) describe(item, owner);
    return;
  }
  const obj = node as Record<string, unknown>;
  for (const group of ['properties', '$defs'] as const) {
    const members = obj[group];
    if (!members || typeof members !== 'object') continue;
    for (const [key, value] of Object.entries(members as Record<string, unknown>)) {
      const help = FIELD_HELP[`${owner}.${key}`] ?? FIELD_HELP[key];
      if (group === 'properties' && help && value && typeof value === 'object')
        (value as Record<string, unknown>).description ??= help;
      describe(value, key);
    }
  }
  for (const [key, value] of Object.entries(obj))
    if (key !== 'properties' && key !== '$defs') describe(value, owner);
}

/**
 * See {@link JsonSchemaFile}: the three schemas, ready to write as JSON.
 *
 * @example
 * writeFileSync('flows/schema.json', schemaText(jsonSchemas()['schema.json']));
 */
export function jsonSchemas(): Record<JsonSchemaFile, Record<string, unknown>> {
  const registry = z.registry<{ id: string; title?: string }>();
  registry.add(TextSchema, {
    id: 'text',
    title: 'A text key into locales/<lang>/flow.json, or {zh-CN, en} text',
  });
  registry.add(ChoiceSchema, { id: 'choice' });
  registry.add(StateSchema, { id: 'state' });
  registry.add(SourceSchema, { id: 'source' });
  registry.add(PathSchema, { id: 'path' });
  const make = (schema: z.ZodType, title: string) => {
    const out = z.toJSONSchema(schema, {
      io: 'input',
      metadata: registry,
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema }) => {
        // zod checks "verified or compiled, not both" with a refinement, which JSON Schema cannot carry: say it here.
        if (zodSchema === PathSchema)
          jsonSchema.oneOf = [{ required: ['verified'] }, { required: ['compiled'] }];
        // A free-text word may be written as a number (12315): zod turns it into text first.
        if (zodSchema === WordSchema) {
          delete jsonSchema.type;
          delete jsonSchema.minLength;
          jsonSchema.anyOf = [{ type: 'string', minLength: 1 }, { type: 'number' }];
        }
      },
    }) as Record<string, unknown>;
    describe(out, '');
    return { $schema: out.$schema, title, ...out };
  };
  return {
    'schema.json': make(FlowFileSchema, 'CancelMate flow file (flows/*.yaml)'),
    'schema.platform.json': make(PlatformSchema, 'CancelMate platform file (flows/platforms/*.yaml)'),
    'schema.citations.json': make(CitationTableSchema, 'CancelMate citations table (flows/citations.yaml)'),
  };
}

/**
 * The first line each YAML file under flows/ must start with, naming its schema (relative to the file).
 *
 * @example
 * schemaLine('flows/platforms/qq.yaml'); // '# yaml-language-server: $schema=../schema.platform.json'
 */
export function schemaLine(file: string): string {
  const name = file.replace(/\\/g, '/');
  if (/\/platforms\/[^/]+\.ya?ml$/.test(name))
    return '# yaml-language-server: $schema=../schema.platform.json';
  if (/\/citations\.ya?ml$/.test(name)) return '# yaml-language-server: $schema=./schema.citations.json';
  return '# yaml-language-server: $schema=./schema.json';
}

/**
 * A schema as committed: JSON laid out the way the project's formatter (biome) lays it out, so `npm run check`
 * stays clean after `flows schema` writes it: objects one member per line, an array of plain values on one line
 * when it fits in 110 columns, a final newline.
 *
 * @example
 * schemaText({ required: ['id', 'kind'] }); // '{\n  "required": ["id", "kind"]\n}\n'
 */
export function schemaText(schema: Record<string, unknown>): string {
  return `${layout(schema, 0, 0)}\n`;
}

const WIDTH = 110;

function layout(value: unknown, indent: number, used: number): string {
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const plain = value.every((v) => v === null || typeof v !== 'object');
    const inline = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    if (plain && used + inline.length + 1 <= WIDTH) return inline;
    return `[\n${value.map((v) => `${pad}${layout(v, indent + 2, pad.length)}`).join(',\n')}\n${' '.repeat(indent)}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries
      .map(([k, v]) => {
        const head = `${pad}${JSON.stringify(k)}: `;
        return `${head}${layout(v, indent + 2, head.length)}`;
      })
      .join(',\n')}\n${' '.repeat(indent)}}`;
  }
  return JSON.stringify(value);
}
