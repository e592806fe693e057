import { parseChineseNumber } from './numbers.ts';
/**
 * Free text → what the user meant: a global command, one of the current choices, or plain text.
 * Accepts a choice's number or ordinal (「第一个」, "the second one"), its label in either language, an
 * alias ("微信" for 微信支付), and commands typed with or without a slash. Pure. (Sentences are read by
 * analyze.ts; this is only for answers that name a choice or a command.)
 *
 * @example
 * understand('2', { choices: [{ id: 'a', words: ['Yes'] }, { id: 'b', words: ['No'] }], commandWords: {} });
 * // { kind: 'choice', id: 'b' }
 * understand('/back@CancelMateBot', { choices: [], commandWords: {} }); // { kind: 'command', command: 'back' }
 */
export const COMMANDS = [
  'start',
  'restart',
  'back',
  'help',
  'language',
  'zh',
  'en',
  'refund',
  'redflag',
  'receipt',
  'mydata',
  'forget',
] as const;
/**
 * One of {@link COMMANDS}.
 *
 * @example
 * const c: Command = 'forget';
 */
export type Command = (typeof COMMANDS)[number];

/**
 * What {@link understand} found.
 *
 * @example
 * understand('第二个', ctx); // { kind: 'choice', id: <the second choice> }
 */
export type Understood =
  | { kind: 'command'; command: Command }
  | { kind: 'choice'; id: string }
  | { kind: 'text'; text: string };

/**
 * A choice with every string that selects it (labels in both languages, aliases).
 *
 * @example
 * const c: MatchableChoice = { id: 'wechatpay', words: ['微信支付', 'WeChat Pay', '微信'] };
 */
export interface MatchableChoice {
  id: string;
  words: readonly string[];
}

/**
 * What the current question accepts.
 *
 * @example
 * understand('我是用微信付的', { choices, commandWords, partial: false }); // { kind: 'text', … }
 */
export interface MatchContext {
  choices: readonly MatchableChoice[];
  commandWords: Partial<Record<Command, readonly string[]>>;
  /**
   * Partial matches: `true` (default) also takes the input inside one label (「微信」 → 微信支付) or a label
   * inside the input (「我是用微信付的」); `'within'` only the first; `false` neither.
   */
  partial?: boolean | 'within';
}

const SLASH: Record<string, Command> = {
  start: 'start',
  restart: 'restart',
  reset: 'restart',
  back: 'back',
  help: 'help',
  lang: 'language',
  language: 'language',
  zh: 'zh',
  en: 'en',
  refund: 'refund',
  scam: 'redflag',
  receipt: 'receipt',
  mydata: 'mydata',
  forget: 'forget',
};

const normalized = new Map<string, string>();

/**
 * Normalises for comparison: NFKC (full-width digits and letters), lower case, no edge punctuation or brackets.
 *
 * @example
 * normalize('  ＡＢＣ。 '); // 'abc'
 */
export function normalize(s: string): string {
  // Labels and command words repeat on every message: remember them (what users type mostly does not).
  const hit = normalized.get(s);
  if (hit !== undefined) return hit;
  const out = normalizeOnce(s);
  if (s.length <= 64) {
    if (normalized.size >= 5000) normalized.clear();
    normalized.set(s, out);
  }
  return out;
}

function normalizeOnce(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u200b]+/g, ' ')
    .trim()
    .replace(/^[[(（【「"'“]+|[\])）】」"'”.。!！,，;；~～]+$/gu, '')
    .trim();
}

/**
 * See {@link Understood}.
 *
 * @example
 * understand('最后一个', { choices, commandWords: {} }); // the last choice
 */
export function understand(input: string, ctx: MatchContext): Understood {
  const raw = input.trim();
  const slash = /^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i.exec(raw);
  if (slash) {
    const cmd = SLASH[(slash[1] ?? '').toLowerCase()];
    return cmd ? { kind: 'command', command: cmd } : { kind: 'text', text: raw };
  }
  const n = normalize(raw);
  if (!n) return { kind: 'text', text: raw };

  const position = ordinal(n, ctx.choices.length);
  if (position !== undefined) {
    const choice = ctx.choices[position - 1];
    if (choice) return { kind: 'choice', id: choice.id };
  }
  for (const c of ctx.choices)
    if (c.words.some((w) => normalize(w) === n)) return { kind: 'choice', id: c.id };
  for (const cmd of COMMANDS) {
    if ((ctx.commandWords[cmd] ?? []).some((w) => normalize(w) === n))
      return { kind: 'command', command: cmd };
  }
  // A unique partial match: the input inside one label ("微信" → "微信支付"), or an alias inside the input.
  if (ctx.partial !== false && [...n].length >= 2) {
    const hits = ctx.choices.filter((c) =>
      c.words.some((w) => {
        const nw = normalize(w);
        return nw.includes(n) || (ctx.partial !== 'within' && [...nw].length >= 2 && n.includes(nw));
      }),
    );
    if (hits.length === 1 && hits[0]) return { kind: 'choice', id: hits[0].id };
  }
  return { kind: 'text', text: raw };
}

const EN_ORDINAL: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
};

/** 「2」「第二个」「选2」「第2项」 "second" "the 2nd one" "option 2" "#2"; 「最后一个」 "last one" → how many. */
function ordinal(n: string, count: number): number | undefined {
  if (/^\d{1,3}$/.test(n)) return Number(n);
  if (/^(最后一个|最后一项|最后那个|the last one|last one|the last)$/.test(n)) return count || undefined;
  const zh = /^(?:选|选择|选项)?第?([一二两三四五六七八九十]|\d{1,2})(?:个|项|条|种)?$/u.exec(n);
  if (zh && (n.startsWith('第') || n.startsWith('选') || /[个项条种]$/u.test(n))) {
    const d = zh[1] ?? '';
    return parseChineseNumber(d);
  }
  const en =
    /^(?:the\s+)?(?:option\s+|number\s+|no\.?\s*|#)?(\d{1,2}|first|second|third|fourth|fifth|sixth|seventh)(?:st|nd|rd|th)?(?:\s+(?:one|option))?$/.exec(
      n,
    );
  if (en && !/^\d{1,2}$/.test(n)) return EN_ORDINAL[en[1] ?? ''] ?? Number(en[1]);
  return undefined;
}
