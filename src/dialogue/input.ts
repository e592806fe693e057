/**
 * What the engine accepts as typed text, applied before anything is hashed, stored or understood: well-formed
 * Unicode (a lone UTF-16 surrogate becomes U+FFFD here, not later in SQLite, so the transcript's hash is over
 * exactly the text that is stored), no control characters but newlines and tabs, at most
 * {@link MAX_INPUT_CHARS} characters. Text with nothing left counts as empty.
 */

/**
 * The limit on one message's text; longer input is cut before it reaches the dialogue or the transcript.
 *
 * @example
 * [...cleanText('x'.repeat(5000))].length === MAX_INPUT_CHARS; // true
 */
export const MAX_INPUT_CHARS = 4000;

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * `text` made safe to hash and store: well-formed UTF-16 (a lone surrogate becomes U+FFFD) and no control
 * characters; '' when nothing is left (then it is refused like empty text).
 *
 * @example
 * cleanText('refund \ud800'); // 'refund \ufffd'
 * cleanText('\u0007\u0007');  // ''
 */
export function cleanText(text: string): string {
  const stripped = text.toWellFormed().replace(CONTROL, '');
  const chars = [...stripped];
  return chars.length > MAX_INPUT_CHARS ? chars.slice(0, MAX_INPUT_CHARS).join('') : stripped;
}

/**
 * True when `text` has nothing to read once cleaned (empty, spaces, or only control characters).
 *
 * @example
 * isBlank(' \u0000\n'); // true
 */
export function isBlank(text: string): boolean {
  return cleanText(text).trim().length === 0;
}
