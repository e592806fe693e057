import { LANGS } from '../../i18n/lang.ts';
import type { RawFlows } from '../load.ts';
import { lookup } from '../localeTree.ts';
import { provenanceOf } from '../schema.ts';
import type { CheckReport } from './report.ts';
import { normaliseWord } from './states.ts';

/**
 * The catalogue (flows/platforms/*.yaml): unique ids, no alias or name that picks two platforms, at least one
 * payment channel, and every path's provenance: a source in every language, and a `verified` or `compiled`
 * date that is not in the future (an error) nor older than `staleDays` (a warning with its age).
 *
 * @example
 * checkCatalogue(raw, report, { now: new Date(), staleDays: 180 });
 * report.warnings.map((w) => w.message); // ['compiled 212 days ago (2026-05-02) …']
 */
export interface CatalogueCheckOptions {
  now: Date;
  /** Paths whose date is older than this many days get a warning (FLOWS_STALE_DAYS, default 180). */
  staleDays: number;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * See {@link CatalogueCheckOptions}. Returns the catalogue's ids.
 *
 * @example
 * const ids = checkCatalogue(raw, report, { now: new Date(), staleDays: 180 }); // Set { 'kamen', 'qq', … }
 */
export function checkCatalogue(raw: RawFlows, report: CheckReport, opts: CatalogueCheckOptions): Set<string> {
  const ids = new Map<string, string>();
  const words = new Map<string, { id: string; file: string }>();
  for (const { file, platform } of raw.platforms) {
    const prior = ids.get(platform.id);
    if (prior)
      report.error(
        file,
        ['id'],
        `platform id "${platform.id}" is already used by ${prior}`,
        'give each platform file its own id',
      );
    ids.set(platform.id, file);

    // A word a user may type must pick one platform: its names and aliases, compared as typed.
    const own = new Set<string>();
    const claim = (word: string, path: PropertyKey[]) => {
      const key = normaliseWord(word);
      if (own.has(key)) return;
      own.add(key);
      const other = words.get(key);
      if (other && other.id !== platform.id)
        report.error(
          file,
          path,
          `"${word}" also picks platform "${other.id}" (${other.file})`,
          'a name or alias must pick one platform: remove it from one of the two files',
        );
      else words.set(key, { id: platform.id, file });
    };
    for (const lang of LANGS) claim(platform.name[lang], ['name', lang]);
    (platform.aliases ?? []).forEach((a, i) => {
      claim(a, ['aliases', i]);
    });

    for (const [channel, path] of Object.entries(platform.channels)) {
      if (!path) continue;
      const at = ['channels', channel];
      const { kind, date } = provenanceOf(path);
      const age = Math.floor((opts.now.getTime() - Date.parse(`${date}T00:00:00Z`)) / DAY);
      if (age < 0)
        report.error(
          file,
          [...at, kind],
          `${kind} date ${date} is in the future`,
          kind === 'verified'
            ? 'write the day you actually followed the path (today at the latest)'
            : 'write the day you compiled the path (today at the latest)',
        );
      else if (age > opts.staleDays)
        report.warn(
          file,
          [...at, kind],
          `${kind} ${age} days ago (${date}), more than ${opts.staleDays} days: the menus may have moved`,
          `follow the path in the real ${channel === 'website' ? 'site' : 'app'} and set verified: "<today>", or re-check the public guides and update compiled:`,
        );
      if (typeof path.source === 'string')
        for (const lang of LANGS) {
          const value = lookup(raw.locales[lang].flow, path.source);
          if (typeof value !== 'string' || value.trim().length < 3)
            report.error(
              file,
              [...at, 'source'],
              `source key "${path.source}" has no text in locales/${lang}/flow.json`,
              `add "${path.source}" there with the source's title, or write the source inline per language: {zh-CN: {title, url}, en: {title, url}}`,
            );
        }
    }
  }
  if (raw.platforms.length > 0 && !raw.platforms.some((p) => p.platform.kind === 'payment'))
    report.error(
      raw.platforms[0]?.file ?? 'flows/platforms',
      [],
      'the catalogue needs at least one payment channel (kind: payment)',
      'add flows/platforms/<id>.yaml with kind: payment and a payment: path (see docs/flows.md)',
    );
  return new Set(ids.keys());
}
