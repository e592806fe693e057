import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText, TELEGRAM_TEXT_LIMIT } from '../../../src/channels/telegram/splitText.ts';

describe('splitText', () => {
  it('keeps text that fits in one piece', () => {
    expect(splitText('你好')).toEqual(['你好']);
    expect(splitText('x'.repeat(TELEGRAM_TEXT_LIMIT))).toHaveLength(1);
    expect(splitText('')).toEqual([]);
    expect(splitText('\n\n  \n')).toEqual([]);
  });

  it('cuts at a blank line first, then at a line break, then hard', () => {
    expect(splitText('aaa\nbb\n\ncc', 8)).toEqual(['aaa\nbb', 'cc']);
    expect(splitText('aaa\nbbbbb', 8)).toEqual(['aaa', 'bbbbb']);
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitText('x'.repeat(5000)).map((c) => c.length)).toEqual([4096, 904]);
  });

  it('prefers the last blank line that fits over an earlier one', () => {
    expect(splitText('a\n\nb\n\nc\nd', 6)).toEqual(['a\n\nb', 'c\nd']);
  });

  it('keeps indentation and never cuts a surrogate pair in half', () => {
    expect(splitText('a\n\n  • b', 6)).toEqual(['a', '  • b']);
    expect(splitText('ab😀cd', 3)).toEqual(['ab', '😀c', 'd']);
  });

  it('property: pieces are non-empty, within the limit, and rejoin to the text (modulo cut newlines)', () => {
    const alphabet = fc.constantFrom('a', '文', '\n', ' ', '😀', '\n\n');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 300 }), fc.integer({ min: 2, max: 40 }), (parts, limit) => {
        const text = parts.join('');
        const pieces = splitText(text, limit);
        for (const p of pieces) {
          expect(p.length).toBeGreaterThan(0);
          expect(p.length).toBeLessThanOrEqual(limit);
          expect(p.trim()).not.toBe('');
        }
        const squash = (s: string) => s.replace(/\s+/g, '');
        expect(squash(pieces.join(''))).toBe(squash(text));
      }),
    );
  });

  it('refuses a nonsensical limit', () => {
    expect(() => splitText('abc', 1)).toThrow(RangeError);
  });
});
