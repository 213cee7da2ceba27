// Renders core's messages (key + params) as text. Every file in locales/<lang>/ is merged into that language's
// one namespace, so each area (core, bot, web, payments …) keeps its own file with its own top-level key.
// Counted texts are i18next plurals (key_one, key_other …, the forms Intl.PluralRules names for the language);
// numbers and days are written here, with Intl in the reader's locale, so core hands over plain values.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n } from 'i18next';
import { LOCALES, type Locale } from '../core/model.ts';
import type { Translator } from '../core/translator.ts';
import { countedKeys, i18nextOptions } from './i18n-format.ts';

export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../locales');

export function loadResources(dir = LOCALES_DIR): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const lng of LOCALES) {
    const merged: Record<string, unknown> = {};
    const folder = path.join(dir, lng);
    for (const file of fs.existsSync(folder) ? fs.readdirSync(folder).sort() : []) {
      if (file.endsWith('.json')) Object.assign(merged, JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')));
    }
    out[lng] = merged;
  }
  return out;
}

export type { Translator };

/** `timeZone` writes instants (not calendar days) in that zone. */
export async function createTranslator(fallback: Locale = 'en', timeZone?: string): Promise<Translator> {
  const instance: i18n = i18next.createInstance();
  const resources = loadResources();
  const counted = countedKeys(resources.en ?? {});
  await instance.init({
    resources: Object.fromEntries(Object.entries(resources).map(([l, r]) => [l, { translation: r }])),
    fallbackLng: fallback,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return {
    t: (locale, msg) =>
      instance.t(msg.key, i18nextOptions(locale, msg.params, counted.get(msg.key), timeZone)) as string,
    resolveLocale,
  };
}

export function resolveLocale(tag: string | undefined, fallback: Locale): Locale {
  if (!tag) return fallback;
  const t = tag.replace('_', '-').toLowerCase();
  if (t.startsWith('zh')) return t.includes('cn') || t.includes('hans') || t === 'zh-sg' ? fallback : 'zh-TW';
  const base = t.split('-')[0];
  return (LOCALES as readonly string[]).includes(base!) ? (base as Locale) : fallback;
}
