import type { FlowBundle } from '../flows/bundle.ts';
import { currentPath, type FlowContext, holds, PAGE_SIZE, pageCount } from '../flows/context.ts';
import { provenanceOf, type Source, type StateDef, type Text } from '../flows/schema.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Translator } from '../i18n/translator.ts';
import { caseFromFields, type PlatformRef } from '../receipts/caseFile.ts';
import { letterMessages } from '../receipts/complaint.ts';
import { groundsBlock } from '../receipts/grounds.ts';
import { localDay } from '../receipts/localTime.ts';
import { calendarView } from './calendarView.ts';
import { factProgress } from './factProgress.ts';
import type { Attachment, Choice } from './types.ts';

/**
 * Turns a flow state and its context into what the user sees: the text (what it says, the legal grounds
 * of its topic, the steps page), the drafted letters, the question and the choices that hold right now.
 * Pure (`today`, the user's calendar day, dates the letters; `now` stamps a calendar file).
 *
 * @example
 * const view = renderState(bundle, tr, 'membership', ctx, 'zh-CN');
 * view.text; // '是哪种会员？'
 * view.choices.map((c) => c.id); // ['auto', 'fixed', 'lifetime', 'unsure']
 */
export interface StateView {
  /** What the state says before its documents (its `say:` texts and steps page). */
  text: string;
  /** Documents to copy (the drafted letters), each shown as its own message between `text` and `ask`. */
  letters: { title: string; text: string }[];
  /** The question (`ask:`), shown last with the choices. */
  ask: string;
  /** Files handed out with the state's text (`show: calendar`: the reminder's .ics). */
  files: Attachment[];
  choices: Choice[];
  /** The steps shown on this screen, for the receipt. */
  shown?: ShownSteps;
}

/** The steps on one screen, with their provenance. */
export interface ShownSteps {
  platform: string;
  channel: string;
  steps: string[];
  /** The source as shown (its title, and its URL when it has one). */
  source: string;
  /** The day someone followed this path in the real app or site (verified paths only). */
  verified?: string;
  /** The day this path was compiled from public guides (compiled paths only). */
  compiled?: string;
  /** The source's URL, when it has one. */
  sourceUrl?: string;
}

/** See {@link StateView}. */
export function renderState(
  bundle: FlowBundle,
  tr: Translator,
  stateId: string,
  ctx: FlowContext,
  lang: Lang,
  today = localDay(new Date()),
  now = new Date(),
): StateView {
  const st = bundle.states[stateId];
  if (!st) throw new Error(`renderState: unknown state "${stateId}"`);
  const vars = textVars(bundle, tr, ctx, lang);
  const parts: string[] = [];
  const says: Text[] = st.say === undefined ? [] : Array.isArray(st.say) ? st.say : [st.say];
  for (const t of says) parts.push(tr.text(lang, t, vars));
  if (st.grounds) parts.push(groundsBlock(tr, lang, st.grounds));
  let shown: ShownSteps | undefined;
  if (st.steps) {
    const page = renderSteps(bundle, tr, ctx, lang);
    parts.push(page.text);
    shown = page.shown;
  }
  const letters: StateView['letters'] =
    st.show === 'letters'
      ? letterMessages(tr, lang, caseFromFields(ctx.fields, platformRef(bundle, ctx)), today)
      : [];
  let files: Attachment[] = [];
  if (st.show === 'calendar') {
    const calendar = calendarView(bundle, tr, ctx, lang, now);
    parts.push(calendar.text);
    files = calendar.files;
  }
  return {
    text: parts.join('\n\n'),
    letters,
    ask: st.ask ? withProgress(bundle, tr, stateId, lang, factAsk(tr, st, lang, vars)) : '',
    files,
    choices: stateChoices(bundle, tr, stateId, ctx, lang),
    shown,
  };
}

/** The choices a state offers now: static ones whose `when:` holds, then its catalogue pick list. */
export function stateChoices(
  bundle: FlowBundle,
  tr: Translator,
  stateId: string,
  ctx: FlowContext,
  lang: Lang,
): Choice[] {
  const st = bundle.states[stateId];
  if (!st) return [];
  const vars = textVars(bundle, tr, ctx, lang);
  const out: Choice[] = (st.choices ?? [])
    .filter((c) => holds(c.when, ctx, bundle.catalogue))
    .map((c) => ({ id: c.id, label: tr.text(lang, c.label, vars) }));
  if (st.pick) {
    for (const p of bundle.catalogue.list) {
      if (st.pick.from === 'payments' && p.kind !== 'payment') continue;
      out.push({ id: p.id, label: p.name[lang] });
    }
  }
  return out;
}

function textVars(bundle: FlowBundle, tr: Translator, ctx: FlowContext, lang: Lang): Record<string, string> {
  const vars: Record<string, string> = {};
  const platform = ctx.platform ? bundle.catalogue.byId.get(ctx.platform) : undefined;
  if (platform) vars.platform = platform.name[lang];
  const payment = ctx.payment ? bundle.catalogue.byId.get(ctx.payment) : undefined;
  if (payment) vars.payment = payment.name[lang];
  if (ctx.fields.channel) vars.channel = tr.common(lang, `channels.${ctx.fields.channel}`);
  return vars;
}

/**
 * A path's source as shown: a translation key's text, or this language's title (with its URL in brackets
 * when it has one).
 *
 * @example
 * sourceText(tr, 'en', { 'zh-CN': { title: '帮助中心', url: 'https://example.com/help' }, en: { title: 'Help centre', url: 'https://example.com/help' } });
 * // 'Help centre (https://example.com/help)'
 */
export function sourceText(tr: Translator, lang: Lang, source: Source): string {
  const { title, url } = sourceParts(tr, lang, source);
  return url ? tr.common(lang, 'steps.sourceWithUrl', { title, url }) : title;
}

/**
 * A path's source split into its title and URL (if any) in `lang`.
 *
 * @example
 * sourceParts(tr, 'zh-CN', 'generic.source').title; // '一篇公开的中文网络文章…'
 */
export function sourceParts(tr: Translator, lang: Lang, source: Source): { title: string; url?: string } {
  if (typeof source === 'string') return { title: tr.text(lang, source) };
  const entry = source[lang];
  return typeof entry === 'string' ? { title: entry } : entry;
}

/**
 * The catalogue entry the user picked, as the plain data letters and receipts need.
 *
 * @example
 * platformRef(bundle, { ...ctx, platform: 'iqiyi' }); // { kind: 'service', name: { 'zh-CN': '爱奇艺 VIP', en: 'iQIYI VIP' } }
 */
export function platformRef(bundle: FlowBundle, ctx: FlowContext): PlatformRef | undefined {
  const p = ctx.platform ? bundle.catalogue.byId.get(ctx.platform) : undefined;
  return p ? { kind: p.kind, name: p.name } : undefined;
}

function renderSteps(
  bundle: FlowBundle,
  tr: Translator,
  ctx: FlowContext,
  lang: Lang,
): { text: string; shown?: ShownSteps } {
  const cur = currentPath(ctx, bundle.catalogue);
  if (!cur) return { text: tr.common(lang, 'steps.missing') };
  const pages = pageCount(ctx, bundle.catalogue);
  const page = Math.min(ctx.page, pages - 1);
  const from = page * PAGE_SIZE;
  const steps = cur.path.steps.slice(from, from + PAGE_SIZE).map((t) => tr.text(lang, t));
  const platform = cur.platform.name[lang];
  const channel = tr.common(lang, `channels.${cur.channel}`);
  const source = sourceText(tr, lang, cur.path.source);
  const sourceUrl = sourceParts(tr, lang, cur.path.source).url;
  const known = provenanceOf(cur.path);
  const lines = [tr.common(lang, 'steps.header', { platform, channel, page: page + 1, pages })];
  // Verified: 「最后核实：日期」. Compiled from public guides: 「根据公开教程整理（日期）」, never "checked".
  lines.push(tr.common(lang, `steps.${known.kind}`, { source, date: known.date }));
  lines.push('', ...steps.map((s, i) => `${from + i + 1}. ${s}`));
  if (page === pages - 1 && cur.path.warnings?.length) {
    lines.push(
      '',
      tr.common(lang, 'steps.warnings'),
      ...cur.path.warnings.map((w) => `• ${tr.text(lang, w)}`),
    );
  }
  return {
    text: lines.join('\n'),
    shown: {
      platform,
      channel,
      steps,
      source,
      [known.kind]: known.date,
      ...(sourceUrl ? { sourceUrl } : {}),
    },
  };
}

/**
 * A question's words; a fact question also says how to write the answer (its hint, such as the date format),
 * since what is typed there is checked. Other hints are said only when a typed answer was not understood.
 */
function factAsk(tr: Translator, st: StateDef, lang: Lang, vars: Record<string, string>): string {
  const ask = tr.text(lang, st.ask ?? '', vars);
  return st.fact && st.hint ? `${ask}\n${tr.text(lang, st.hint, vars)}` : ask;
}

/** A fact question with its place in the interview in front (「第 3/6 项」), when it is part of one. */
function withProgress(bundle: FlowBundle, tr: Translator, stateId: string, lang: Lang, ask: string): string {
  const p = factProgress(bundle, stateId);
  return p && p.of > 1 ? `${tr.common(lang, 'facts.progress', p)}${ask}` : ask;
}
