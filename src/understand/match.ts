/**
 * Free text → what the user meant: a global command, one of the current choices, or plain text.
 * Accepts a choice's number, its label in either language, an alias ("微信" for 微信支付), and commands
 * typed with or without a slash. Pure.
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
/** One of {@link COMMANDS}. */
export type Command = (typeof COMMANDS)[number];

/** What {@link understand} found. */
export type Understood =
  | { kind: 'command'; command: Command }
  | { kind: 'choice'; id: string }
  | { kind: 'text'; text: string };

/** A choice with every string that selects it (labels in both languages, aliases). */
export interface MatchableChoice {
  id: string;
  words: readonly string[];
}

/** What the current question accepts. */
export interface MatchContext {
  choices: readonly MatchableChoice[];
  commandWords: Partial<Record<Command, readonly string[]>>;
  /** Only whole labels and command words count (no numbers, no partial matches): for typed facts like "39". */
  exact?: boolean;
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

/** Normalises for comparison: NFKC (full-width digits and letters), lower case, no edge punctuation or brackets. */
export function normalize(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u200b]+/g, ' ')
    .trim()
    .replace(/^[[(（【「"'“]+|[\])）】」"'”.。!！,，;；~～]+$/gu, '')
    .trim();
}

/** See {@link Understood}. */
export function understand(input: string, ctx: MatchContext): Understood {
  const raw = input.trim();
  const slash = /^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i.exec(raw);
  if (slash) {
    const cmd = SLASH[(slash[1] ?? '').toLowerCase()];
    return cmd ? { kind: 'command', command: cmd } : { kind: 'text', text: raw };
  }
  const n = normalize(raw);
  if (!n) return { kind: 'text', text: raw };

  if (!ctx.exact && /^\d{1,3}$/.test(n)) {
    const choice = ctx.choices[Number(n) - 1];
    if (choice) return { kind: 'choice', id: choice.id };
  }
  for (const c of ctx.choices)
    if (c.words.some((w) => normalize(w) === n)) return { kind: 'choice', id: c.id };
  for (const cmd of COMMANDS) {
    if ((ctx.commandWords[cmd] ?? []).some((w) => normalize(w) === n))
      return { kind: 'command', command: cmd };
  }
  // A unique partial match: the input inside one label ("微信" → "微信支付"), or an alias inside the input.
  if (!ctx.exact && [...n].length >= 2) {
    const hits = ctx.choices.filter((c) =>
      c.words.some((w) => {
        const nw = normalize(w);
        return nw.includes(n) || ([...nw].length >= 2 && n.includes(nw));
      }),
    );
    if (hits.length === 1 && hits[0]) return { kind: 'choice', id: hits[0].id };
  }
  return { kind: 'text', text: raw };
}
