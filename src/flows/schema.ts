import { z } from 'zod';

/**
 * The shape of the files maintainers edit: `flows/*.yaml` (dialogue states) and `flows/platforms/*.yaml`
 * (the catalogue). Unknown fields are errors so that typos surface at start-up, with file:line:col.
 *
 * @example
 * FlowFileSchema.parse({ states: { done: { say: 'done.text', final: true } } });
 */

/** A key into locales/<lang>/flow.json, e.g. `welcome.intro`. */
export const TEXT_KEY = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

const textMessage = { message: 'expected a translation key or {zh-CN, en} text' };

/** Text in a flow file: a translation key, or the same words inline in both languages. */
export const TextSchema = z.union(
  [
    z.string().regex(TEXT_KEY, textMessage),
    z.strictObject({ 'zh-CN': z.string().trim().min(1), en: z.string().trim().min(1) }, textMessage),
  ],
  textMessage,
);
/** See {@link TextSchema}. */
export type Text = z.infer<typeof TextSchema>;

/** A state id or a choice id: short, lower-case ASCII (choice ids travel in 64-byte Telegram callback data). */
export const ID = /^[a-z][a-z0-9_]{0,31}$/;
const id = (what: string) =>
  z.string().regex(ID, { message: `expected a ${what} id: lower-case letters, digits and _ (at most 32)` });

/** The cancel channels a platform may offer. */
export const CHANNELS = ['website', 'app', 'support', 'payment'] as const;
/** One of {@link CHANNELS}. */
export type ChannelKey = (typeof CHANNELS)[number];

/** What kind of thing a catalogue entry is. */
export const KINDS = ['kamen', 'service', 'payment', 'other'] as const;
/** One of {@link KINDS}. */
export type PlatformKind = (typeof KINDS)[number];

/** Effects a choice may have besides `set` (see docs/flows.md). */
export const EFFECTS = ['nextPage', 'firstPage', 'markTried'] as const;

/**
 * A condition in `when:` (all must hold). Vocabulary: `field=value`, `field` (is set), `has:<channel>`,
 * `tried:<channel>`, `kind:<kind>`, `morePages`, `lastPage`, `channelsLeft`; a leading `!` negates.
 */
export const CONDITION =
  /^!?([a-z][A-Za-z]*=[a-z][a-z0-9_]*|[a-z][A-Za-z]*|has:[a-z]+|tried:[a-z]+|kind:[a-z]+)$/;

const fieldName = z.string().regex(/^[a-z][A-Za-z]*$/, { message: 'expected a field name like membership' });
const fieldValue = z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'expected a value like auto' });

/** `set:` on a choice: context fields and the values they take. */
export const SetSchema = z.record(fieldName, fieldValue);

/** One static choice of a question. */
export const ChoiceSchema = z.strictObject({
  id: id('choice'),
  label: TextSchema,
  to: id('state'),
  set: SetSchema.optional(),
  do: z.array(z.enum(EFFECTS)).optional(),
  when: z
    .array(
      z.string().regex(CONDITION, { message: 'expected a condition such as membership=auto or !tried:app' }),
    )
    .optional(),
  /** Extra words (any language) that select this choice when typed. */
  aliases: z.array(z.string().min(1)).optional(),
});
/** See {@link ChoiceSchema}. */
export type ChoiceDef = z.infer<typeof ChoiceSchema>;

/** A choice list built from the catalogue: every platform, or only the payment channels. */
export const PickSchema = z.strictObject({
  from: z.enum(['platforms', 'payments']),
  to: id('state'),
});
/** See {@link PickSchema}. */
export type PickDef = z.infer<typeof PickSchema>;

/** The kinds of fact a state can ask the user to type (see docs/flows.md). */
export const FACTS = ['merchant', 'url', 'order', 'amount', 'date', 'ticket', 'reminder'] as const;
/** One of {@link FACTS}. */
export type FactKey = (typeof FACTS)[number];

/**
 * The legal topics a state can explain with `grounds:` (see src/receipts/grounds.ts): the same table gives
 * the guide's text and the grounds a drafted letter cites, so the two cannot drift apart.
 *
 * @example
 * StateSchema.parse({ say: 'blocked.advice.fee', grounds: 'blocked_fee', ask: 'blocked.nextAsk' });
 */
export const GROUND_TOPICS = [
  'optin',
  'no_notice',
  'notified',
  'oneoff',
  'not_delivered',
  'blocked_nobutton',
  'blocked_grey',
  'blocked_forced',
  'blocked_refuses',
  'blocked_noanswer',
  'blocked_norefund',
  'blocked_finalsay',
  'blocked_fee',
  'redflag_gone',
  'redflag_fees',
] as const;
/** One of {@link GROUND_TOPICS}. */
export type GroundTopic = (typeof GROUND_TOPICS)[number];

/** One state of the dialogue. */
export const StateSchema = z.strictObject({
  say: z.union([TextSchema, z.array(TextSchema).min(1)]).optional(),
  ask: TextSchema.optional(),
  hint: TextSchema.optional(),
  choices: z.array(ChoiceSchema).optional(),
  pick: PickSchema.optional(),
  /** Show the chosen platform's steps for the chosen channel, a page at a time. */
  steps: z.literal(true).optional(),
  /** Ask the user to type this fact; their answer (or "skip") goes to `factTo`. */
  fact: z.enum(FACTS).optional(),
  factTo: id('state').optional(),
  final: z.literal(true).optional(),
  /**
   * Show generated content: `letters` = the demand letter and 12315 text drafted from the user's facts;
   * `calendar` = a calendar file (.ics) for the day the `reminder` fact gave, and the day in words.
   */
  show: z.enum(['letters', 'calendar']).optional(),
  /** After `say:`, the legal grounds of this topic, with their citations (the same ones letters cite). */
  grounds: z.enum(GROUND_TOPICS).optional(),
});
/** See {@link StateSchema}. */
export type StateDef = z.infer<typeof StateSchema>;

// ─── Free-text understanding (issue 11; see docs/understanding.md) ──────────────────────────────────────
// One `understand:` block per flow file, merged across files. In the file with `start` it says which
// question each understood thing answers and where a stated wish begins; flows/understand.yaml holds the
// words. Validated across files by src/understand/checkKeywords.ts.

/**
 * What free text can fill in. A state that `asks` a slot is answered by the choice whose id, or whose `set:`
 * value for that field, equals the understood value (a pick list by the catalogue id).
 */
export const SLOTS = [
  'goal',
  'platform',
  'payment',
  'membership',
  'channel',
  'outcome',
  'reason',
  'deduction',
  'optin',
  'notice',
  'danger',
  'use',
] as const;
/** One of {@link SLOTS}. */
export type Slot = (typeof SLOTS)[number];

/** Wishes a user can state in free text that start somewhere in the dialogue. */
export const INTENTS = ['cancel', 'refund', 'wrongful', 'complaint', 'blocked'] as const;
/** One of {@link INTENTS}. */
export type Intent = (typeof INTENTS)[number];

/** Commands a user can say in a sentence ("我选错了" = back); the command words stay in common.json. */
export const SPOKEN_COMMANDS = [
  'help',
  'restart',
  'back',
  'language',
  'zh',
  'en',
  'receipt',
  'mydata',
  'forget',
] as const;

/**
 * A word or phrase in the free-text lists. Numbers are words too (12315), so maintainers need not quote them
 * (the generated JSON Schema says so too: src/flows/jsonSchema.ts).
 *
 * @example
 * WordSchema.parse(12315); // '12315'
 */
export const WordSchema = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : v),
  z.string().trim().min(1, { message: 'expected a word or phrase (empty entries match nothing)' }),
);
const wordList = z.array(WordSchema);
const valueWords = z.record(
  z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'expected a value such as auto' }),
  wordList,
);

/** The words free text is matched against (flows/understand.yaml). `*` in a phrase stands for a short gap. */
export const WordsSchema = z.strictObject({
  /** Extra names per catalogue id, besides the `aliases` in flows/platforms/<id>.yaml. */
  platforms: z.record(id('platform'), wordList).optional(),
  /** Words that could mean several platforms: the guide asks which one. */
  ambiguous: z
    .record(
      z.string().trim().min(1, { message: 'expected a word or phrase (empty entries match nothing)' }),
      z.array(id('platform')).min(2),
    )
    .optional(),
  intents: z.partialRecord(z.enum(INTENTS), wordList).optional(),
  commands: z.partialRecord(z.enum(SPOKEN_COMMANDS), wordList).optional(),
  /** Words per slot value, e.g. `membership: { auto: [自动续费, 连续包月] }`. */
  slots: z.partialRecord(z.enum(SLOTS), valueWords).optional(),
  /** Words that deny what follows (没有, 不是, not …): 「不是爱奇艺」 names no platform. */
  negations: wordList.optional(),
  /** Words that refuse a wish (不想, 别, don't want …): they cancel intents and commands only. */
  wishNegations: wordList.optional(),
  /** Words that mean nothing here but contain words that do (手续费 contains 续费). */
  ignore: wordList.optional(),
});
/** See {@link WordsSchema}. */
export type Words = z.infer<typeof WordsSchema>;

/** The `understand:` block of a flow file. */
export const UnderstandSchema = z.strictObject({
  /** state id → the slot its question asks, e.g. `membership: membership`. */
  asks: z.record(id('state'), z.enum(SLOTS)).optional(),
  /** intent → the state where it starts when the current question does not lead there. */
  intents: z.partialRecord(z.enum(INTENTS), id('state')).optional(),
  words: WordsSchema.optional(),
});
/** See {@link UnderstandSchema}. */
export type UnderstandDef = z.infer<typeof UnderstandSchema>;
// ─── end of free-text understanding ─────────────────────────────────────────────────────────────────────

/** A flow file: a set of states; exactly one file also declares `start`, `version` and `commands`. */
export const FlowFileSchema = z.strictObject({
  start: id('state').optional(),
  version: z
    .string()
    .regex(/^[0-9A-Za-z.+-]{1,40}$/, { message: 'expected a version such as 2026.11.25' })
    .optional(),
  /** Global words that jump anywhere, e.g. `refund: refund_start`. */
  commands: z.record(z.enum(['refund', 'redflag']), id('state')).optional(),
  states: z.record(id('state'), StateSchema),
  /** Free-text understanding (see the block above). */
  understand: UnderstandSchema.optional(),
});
/** See {@link FlowFileSchema}. */
export type FlowFile = z.infer<typeof FlowFileSchema>;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD (quote it in YAML)' })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), { message: 'expected a real calendar date' });

/** Where a path comes from, in one language: a title (a document, a site, "public how-to guides"), and a URL where one exists. */
export const SourceEntrySchema = z.union([
  z.string().trim().min(3, { message: 'a source title needs at least 3 characters' }),
  z.strictObject({
    title: z.string().trim().min(3, { message: 'a source title needs at least 3 characters' }),
    url: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// address' }).optional(),
  }),
]);
/** See {@link SourceEntrySchema}. */
export type SourceEntry = z.infer<typeof SourceEntrySchema>;

const sourceMessage = {
  message: 'expected a translation key, or a source per language: {zh-CN: {title, url?}, en: {title, url?}}',
};
/** A path's source: a translation key whose text is the title in every language, or a title (and URL) per language. */
export const SourceSchema = z.union(
  [
    z.string().regex(TEXT_KEY, sourceMessage),
    z.strictObject({ 'zh-CN': SourceEntrySchema, en: SourceEntrySchema }, sourceMessage),
  ],
  sourceMessage,
);
/** See {@link SourceSchema}. */
export type Source = z.infer<typeof SourceSchema>;

/** The two kinds of provenance a path can have (see {@link PathSchema}). */
export const PROVENANCE = ['verified', 'compiled'] as const;
/** One of {@link PROVENANCE}. */
export type ProvenanceKind = (typeof PROVENANCE)[number];

/**
 * One way to cancel on a platform: ordered steps, what to watch for, where the path comes from, and how we know
 * it: `verified` (someone followed it in the real app or site on that date) or `compiled` (put together from
 * public guides on that date; nobody has followed it yet). Exactly one of the two.
 */
export const PathSchema = z
  .strictObject({
    steps: z.array(TextSchema).min(1),
    warnings: z.array(TextSchema).optional(),
    source: SourceSchema,
    verified: isoDate.optional(),
    compiled: isoDate.optional(),
  })
  .refine((p) => (p.verified === undefined) !== (p.compiled === undefined), {
    message:
      'give either verified: "YYYY-MM-DD" (you followed this path in the real app or site that day) or compiled: "YYYY-MM-DD" (you put it together from public guides that day), exactly one of the two',
  });
/** See {@link PathSchema}. */
export type PathDef = z.infer<typeof PathSchema>;

/**
 * How a path is known and since when.
 *
 * @example
 * provenanceOf({ compiled: '2026-11-25' }); // { kind: 'compiled', date: '2026-11-25' }
 */
export function provenanceOf(path: Pick<PathDef, 'verified' | 'compiled'>): {
  kind: ProvenanceKind;
  date: string;
} {
  return path.verified !== undefined
    ? { kind: 'verified', date: path.verified }
    : { kind: 'compiled', date: path.compiled ?? '' };
}

/** A catalogue entry (one file in flows/platforms/). */
export const PlatformSchema = z.strictObject({
  id: id('platform'),
  kind: z.enum(KINDS),
  /** Position in the platform list; lower comes first. */
  order: z.number().int().min(0).max(1000),
  name: z.strictObject({ 'zh-CN': z.string().min(1), en: z.string().min(1) }),
  aliases: z.array(z.string().min(1)).optional(),
  channels: z.strictObject(
    Object.fromEntries(CHANNELS.map((c) => [c, PathSchema.optional()])) as {
      [K in ChannelKey]: z.ZodOptional<typeof PathSchema>;
    },
  ),
});
/** See {@link PlatformSchema}. */
export type Platform = z.infer<typeof PlatformSchema>;
