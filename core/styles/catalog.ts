// The style catalogue's port: the showcase_styles table is the one source of truth (infra/db/styles-repo.ts);
// display names and aliases in five languages come from locales/<lang>/styles.json, keyed by style id.
import type { Locale } from '../model.ts';

export interface Style {
  /** Stable id used in commands and links ("anime"): /style anime …, ?start=s_anime. */
  id: string;
  /** GoEnhance model id (GET /api/v1/video2video/modellist), what the provider is sent. */
  model: number;
  /** The table's name, shown where a language has none. */
  name: string;
  /** Display names per language. */
  names: Partial<Record<Locale, string>>;
  /** Other words people type for it, in any language. */
  aliases: string[];
  /** Media key of the rendered sample clip, once made. */
  sampleKey: string | null;
  sampleUrl: string | null;
}

export interface StyleCatalog {
  /** Every style, in showcase order. */
  list(): Promise<Style[]>;
  /** By id, or any language's display name or alias; case-, width- and spacing-insensitive. */
  find(query: string): Promise<Style | null>;
}

/** Bookkeeping of sample clips (same table): one instance claims a missing sample and renders it. */
export interface StyleSampleStore {
  /** True when this call claimed the style's missing sample (none stored, no fresh claim by another instance). */
  claimSample(styleId: string, staleAfterMs: number): Promise<boolean>;
  saveSample(styleId: string, key: string, url: string): Promise<void>;
  releaseClaim(styleId: string): Promise<void>;
}

export const styleName = (s: Style, locale: Locale): string => s.names[locale] ?? s.name;

/** "Watercolor  Ghibli", "watercolor-ghibli" and full-width "ＡＮＩＭＥ" all compare equal to their plain forms. */
export const normalizeStyleWord = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-・·.]+/g, '');

/** Id first, then display names, then aliases, so an alias never shadows another style's id or name. */
export function matchStyle(styles: Style[], query: string): Style | null {
  const q = normalizeStyleWord(query);
  if (!q) return null;
  return (
    styles.find((s) => normalizeStyleWord(s.id) === q) ??
    styles.find((s) => [s.name, ...Object.values(s.names)].some((n) => normalizeStyleWord(n) === q)) ??
    styles.find((s) => s.aliases.some((a) => normalizeStyleWord(a) === q)) ??
    null
  );
}

/**
 * "/style watercolor ghibli a castle": the style may take several words. Tries the longest leading run (up to
 * three words) that names a style; the rest is the prompt.
 */
export async function resolveStyle(
  catalog: Pick<StyleCatalog, 'find'>,
  word: string,
  prompt: string,
): Promise<{ style: Style; prompt: string } | null> {
  const rest = prompt.split(/\s+/).filter(Boolean);
  for (let n = Math.min(2, rest.length); n >= 1; n--) {
    const style = await catalog.find([word, ...rest.slice(0, n)].join(' '));
    if (style) return { style, prompt: rest.slice(n).join(' ') };
  }
  const style = await catalog.find(word);
  return style ? { style, prompt } : null;
}
