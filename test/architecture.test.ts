import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The shape of the code, checked from its imports (docs/architecture.md): imports point down only, there is no
 * cycle, and the engine is the only door — no channel (and not the HTTP server) reaches the store.
 */
const SRC = resolve(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

/** file (relative to src/) → the src/ files it imports (static, dynamic, type-only and re-exports alike). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const spec = /(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(spec)]
      .map((m) => m[1] ?? m[2] ?? '')
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(SRC, resolve(dirname(file), s)));
    graph.set(relative(SRC, file), [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle, as the list of files around it (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, order.get(w) ?? 0));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

const top = (file: string) => file.split('/')[0] ?? '';

describe('the import graph', () => {
  const graph = importGraph();

  it('reads the whole of src/', () => {
    expect(graph.size).toBeGreaterThan(40);
    expect(graph.get('dialogue/engine.ts')).toContain('store/port.ts');
  });

  it('has no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('points down only: nothing below the dialogue imports the dialogue or a channel', () => {
    const below = new Set(['store', 'flows', 'i18n', 'receipts', 'understand']);
    const upward = [...graph].flatMap(([from, tos]) =>
      below.has(top(from))
        ? tos.filter((to) => top(to) === 'dialogue' || top(to) === 'channels').map((to) => `${from} → ${to}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  it('keeps the store behind the engine: no channel and not the HTTP server imports it', () => {
    const around = [...graph].flatMap(([from, tos]) =>
      top(from) === 'channels' || from === 'server.ts'
        ? tos.filter((to) => top(to) === 'store').map((to) => `${from} → ${to}`)
        : [],
    );
    expect(around).toEqual([]);
  });

  it('finds a cycle and an upward import when there is one (the checks can fail)', () => {
    const bad = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['a.ts']],
      ['c.ts', []],
    ]);
    expect(cycles(bad)).toEqual([['a.ts', 'b.ts']]);
  });
});
