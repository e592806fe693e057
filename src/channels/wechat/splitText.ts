/**
 * Cutting text that is too long for one WeChat message, at the most natural place available: between
 * lines, then between sentences (never inside 《…》, （…）, 【…】 or 「…」, so a citation such as
 * 《消费者权益保护法实施条例》第十条第二款 stays whole), and only as a last resort between characters (never
 * inside a character: sizes are UTF-8 bytes).
 *
 * @example
 * splitOversized({ text: '第一句。第二句。', sep: '\n\n' }, 15);
 * // [{ text: '第一句。', sep: '\n\n' }, { text: '第二句。', sep: '' }]
 */

/**
 * A piece of text and what joins it to the piece before it on the same page.
 *
 * @example
 * const question: Piece = { text: '回复 1：好', sep: '\n' };
 */
export interface Piece {
  text: string;
  sep: string;
}

export function splitOversized(piece: Piece, budget: number): Piece[] {
  if (utf8Bytes(piece.text) <= budget) return [piece];
  const lines = piece.text.split('\n');
  if (lines.length > 1)
    return lines.flatMap((line, i) =>
      splitOversized({ text: line, sep: i === 0 ? piece.sep : '\n' }, budget),
    );
  const out: Piece[] = [];
  let chunk = '';
  const flush = () => {
    if (chunk) out.push({ text: chunk, sep: out.length === 0 ? piece.sep : '' });
    chunk = '';
  };
  for (const sentence of sentences(piece.text)) {
    if (utf8Bytes(chunk + sentence) <= budget) {
      chunk += sentence;
      continue;
    }
    flush();
    if (utf8Bytes(sentence) <= budget) chunk = sentence;
    else
      for (const part of splitBytes(sentence, budget)) {
        chunk = part;
        flush();
      }
  }
  flush();
  return out;
}

/**
 * The number of UTF-8 bytes in `s`.
 *
 * @example
 * utf8Bytes('回复'); // 6
 */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const OPENERS = '《（(【「“[';
const CLOSERS = '》）)】」”]';
const ENDS = '。！？；!?;';

/**
 * `text` cut after each sentence end outside brackets (a Latin full stop counts when a space follows).
 *
 * @example
 * sentences('依据（见第十条。）如下。Then more. Done'); // ['依据（见第十条。）如下。', 'Then more. ', 'Done']
 */
export function sentences(text: string): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  chars.forEach((c, i) => {
    if (OPENERS.includes(c)) depth += 1;
    else if (CLOSERS.includes(c)) depth = Math.max(0, depth - 1);
    const next = chars[i + 1];
    const end = ENDS.includes(c) || (c === '.' && next === ' ');
    if (depth === 0 && end) {
      let stop = i + 1;
      while (chars[stop] === ' ') stop += 1;
      out.push(chars.slice(start, stop).join(''));
      start = stop;
    }
  });
  if (start < chars.length) out.push(chars.slice(start).join(''));
  return out.filter((s) => s.length > 0);
}

/**
 * `text` in chunks of at most `budget` bytes, cut between characters (code points).
 *
 * @example
 * splitBytes('你好吗', 6); // ['你好', '吗']
 */
export function splitBytes(text: string, budget: number): string[] {
  const out: string[] = [];
  let chunk = '';
  for (const c of text) {
    if (utf8Bytes(chunk + c) > budget && chunk) {
      out.push(chunk);
      chunk = '';
    }
    chunk += c;
  }
  if (chunk) out.push(chunk);
  return out;
}
