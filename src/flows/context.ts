import { CHANNELS, type ChannelKey, type PathDef, type Platform } from './schema.ts';

/**
 * What the dialogue remembers between turns (the XState machine's context), and the pure questions the
 * flow's `when:` conditions ask of it.
 *
 * @example
 * const ctx = emptyContext();
 * holds(['!tried:app', 'has:app'], { ...ctx, platform: 'iqiyi' }, catalogue); // true if iQIYI offers an app path
 */
export interface FlowContext {
  /** Catalogue id of the platform the membership was bought on (or is for). */
  platform: string | null;
  /** Catalogue id of the payment channel chosen for the payment-channel route. */
  payment: string | null;
  /** Page of the steps being shown, from 0. */
  page: number;
  /** Channels the user tried and reported blocked. */
  tried: ChannelKey[];
  /** Everything `set:` assigned, e.g. { membership: 'auto', channel: 'website' }. */
  fields: Record<string, string>;
}

/** The context at the start of a conversation. */
export function emptyContext(): FlowContext {
  return { platform: null, payment: null, page: 0, tried: [], fields: {} };
}

/** The catalogue, indexed. */
export interface Catalogue {
  list: readonly Platform[];
  byId: ReadonlyMap<string, Platform>;
}

/** Builds a {@link Catalogue} from entries, sorted by `order` then id. */
export function makeCatalogue(platforms: readonly Platform[]): Catalogue {
  const list = [...platforms].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  return { list, byId: new Map(list.map((p) => [p.id, p])) };
}

/** Steps per page: short enough for one phone screen and for WeChat's 2048-byte replies. */
export const PAGE_SIZE = 3;

/** The path whose steps are being shown: the chosen channel of the chosen platform (or payment channel). */
export function currentPath(
  ctx: FlowContext,
  catalogue: Catalogue,
): { platform: Platform; channel: ChannelKey; path: PathDef } | null {
  const channel = ctx.fields.channel as ChannelKey | undefined;
  if (!channel || !(CHANNELS as readonly string[]).includes(channel)) return null;
  const own = ctx.platform ? catalogue.byId.get(ctx.platform) : undefined;
  const owner =
    channel === 'payment' && own?.kind !== 'payment' ? catalogue.byId.get(ctx.payment ?? '') : own;
  const path = owner?.channels[channel];
  return owner && path ? { platform: owner, channel, path } : null;
}

/** How many pages the current path has (0 when there is none). */
export function pageCount(ctx: FlowContext, catalogue: Catalogue): number {
  const cur = currentPath(ctx, catalogue);
  return cur ? Math.ceil(cur.path.steps.length / PAGE_SIZE) : 0;
}

/** Channels the current platform offers, plus the payment route when it is not itself a payment channel. */
export function channelsOffered(ctx: FlowContext, catalogue: Catalogue): ChannelKey[] {
  const p = ctx.platform ? catalogue.byId.get(ctx.platform) : undefined;
  if (!p) return [];
  const own = CHANNELS.filter((c) => p.channels[c] !== undefined);
  return p.kind === 'payment' || own.includes('payment') ? own : [...own, 'payment'];
}

/** True when every condition holds. */
export function holds(conds: readonly string[] | undefined, ctx: FlowContext, catalogue: Catalogue): boolean {
  return (conds ?? []).every((c) => holdsOne(c, ctx, catalogue));
}

function holdsOne(cond: string, ctx: FlowContext, catalogue: Catalogue): boolean {
  if (cond.startsWith('!')) return !holdsOne(cond.slice(1), ctx, catalogue);
  const [head, arg] = cond.split(':', 2) as [string, string | undefined];
  if (arg !== undefined) {
    if (head === 'has') return channelsOffered(ctx, catalogue).includes(arg as ChannelKey);
    if (head === 'tried') return ctx.tried.includes(arg as ChannelKey);
    if (head === 'kind') return catalogue.byId.get(ctx.platform ?? '')?.kind === arg;
    return false;
  }
  if (cond === 'morePages') return ctx.page + 1 < pageCount(ctx, catalogue);
  if (cond === 'lastPage') return ctx.page + 1 >= pageCount(ctx, catalogue);
  if (cond === 'channelsLeft') return channelsOffered(ctx, catalogue).some((c) => !ctx.tried.includes(c));
  const eq = cond.indexOf('=');
  if (eq > 0) return ctx.fields[cond.slice(0, eq)] === cond.slice(eq + 1);
  return ctx.fields[cond] !== undefined;
}
