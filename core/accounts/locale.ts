// Maps a platform's language tag (LINE profile "ja", Telegram "zh-hans", Discord "es-ES", "zh-TW" …) to one of
// our five locales. Pure: core may not use i18next. Simplified Chinese has no locale of ours, so it falls back.
import { LOCALES, type Locale } from '../model.ts';

export function mapPlatformLocale(tag: string | undefined | null): Locale | undefined {
  if (!tag) return undefined;
  const t = tag.replace(/_/g, '-').toLowerCase();
  if (t.startsWith('zh')) return /cn|hans|sg/.test(t) || t === 'zh' ? undefined : 'zh-TW';
  const base = t.split('-')[0]!;
  return (LOCALES as readonly string[]).includes(base) ? (base as Locale) : undefined;
}

export function isLocale(s: string | undefined): s is Locale {
  return !!s && (LOCALES as readonly string[]).includes(s);
}

/** The user's /lang choice, else the platform's language, else the service default. */
export function effectiveLocale(chosen: Locale | null, platform: Locale | null | undefined, fallback: Locale): Locale {
  return chosen ?? platform ?? fallback;
}
