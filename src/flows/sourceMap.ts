import {
  type Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';

/**
 * YAML documents kept with their line counters, so any error found later (by zod or by the
 * cross-file checks) can name `file:line:col`.
 *
 * @example
 * const src = new SourceMap();
 * const doc = src.parse('flows/guide.yaml', text);
 * src.locate('flows/guide.yaml', ['states', 'welcome', 'choices', 0, 'to']); // { line: 9, col: 13 }
 */
export class SourceMap {
  private readonly docs = new Map<string, { doc: Document; lines: LineCounter }>();

  /** Parses `text` as the YAML file `file` (a path relative to the project, used in messages). */
  parse(file: string, text: string): Document {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    this.docs.set(file, { doc, lines });
    return doc;
  }

  /** 1-based line and column of a byte offset in `file`. */
  position(file: string, offset: number): { line: number; col: number } {
    const entry = this.docs.get(file);
    if (!entry) return { line: 1, col: 1 };
    return entry.lines.linePos(offset);
  }

  /**
   * The position of the node at `path` in `file`; when the path runs past what exists (a missing field),
   * the deepest node that does exist. With `key`, the position of that key inside the map at `path`.
   */
  locate(file: string, path: readonly PropertyKey[], key?: string): { line: number; col: number } {
    const entry = this.docs.get(file);
    if (!entry) return { line: 1, col: 1 };
    let node: unknown = entry.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const seg of path) {
      const next = child(node, seg);
      if (next === undefined) break;
      node = next;
      offset = rangeStart(node) ?? offset;
    }
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair && isNode(pair.key)) offset = rangeStart(pair.key) ?? offset;
    }
    return entry.lines.linePos(offset);
  }
}

function child(node: unknown, seg: PropertyKey): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
    return pair?.value ?? undefined;
  }
  if (isSeq(node) && typeof seg === 'number') return node.items[seg];
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? (node as Node).range?.[0] : undefined;
}

/** Formats a path the way maintainers read it: `channels.app.steps[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
