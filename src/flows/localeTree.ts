/**
 * Small helpers over the nested JSON of locales/<lang>/<namespace>.json: dotted-key lookup, the list of leaf
 * keys, and the `{{placeholders}}` a text uses.
 *
 * @example
 * lookup({ steps: { ask: '照着做了吗？' } }, 'steps.ask'); // '照着做了吗？'
 * leafKeys({ a: { b: 'x', c: ['y'] } }); // ['a.b', 'a.c']
 * placeholders('第 {{page}}/{{pages}} 页'); // ['page', 'pages']
 */
export function lookup(tree: unknown, key: string): unknown {
  let node = tree;
  for (const seg of key.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** Every leaf's dotted key (an array counts as one leaf). See {@link lookup}. */
export function leafKeys(tree: unknown, prefix = ''): string[] {
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return [prefix];
  return Object.entries(tree).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

/** The distinct `{{name}}` placeholders in a text (or a list of texts), sorted. See {@link lookup}. */
export function placeholders(value: unknown): string[] {
  const text = Array.isArray(value) ? value.join('\n') : typeof value === 'string' ? value : '';
  return [...new Set([...text.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)].map((m) => m[1] ?? ''))].sort();
}
