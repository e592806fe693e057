/**
 * Splits text into Telegram-sized messages: at paragraph boundaries (blank lines) first, then at line
 * boundaries, then a hard cut (never inside a surrogate pair). Lengths count UTF-16 code units, as the
 * Bot API does for its 4096-character limit. Newlines at a cut are dropped; indentation is kept.
 *
 * @example
 * ```ts
 * splitText('a\n\nb', 3); // ['a', 'b']
 * splitText('x'.repeat(5000)).map((c) => c.length); // [4096, 904]
 * ```
 */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * See {@link TELEGRAM_TEXT_LIMIT}. Returns no empty chunks; text that fits comes back as one chunk.
 *
 * @example
 * ```ts
 * splitText('第一段\n\n第二段', 5); // ['第一段', '第二段']
 * ```
 */
export function splitText(text: string, limit: number = TELEGRAM_TEXT_LIMIT): string[] {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError('splitText: limit must be an integer ≥ 2');
  const chunks: string[] = [];
  let rest = text.replace(/^\n+/, '').trimEnd();
  while (rest.length > limit) {
    const cut = cutPoint(rest, limit);
    const head = rest.slice(0, cut).trimEnd();
    if (head) chunks.push(head);
    rest = rest.slice(cut).replace(/^\n+/, '');
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/** Where to end the next chunk: after the last blank line, else the last newline, else at the limit. */
function cutPoint(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  const paragraph = window.lastIndexOf('\n\n');
  if (paragraph > 0) return paragraph;
  const line = window.lastIndexOf('\n');
  if (line > 0) return line;
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
