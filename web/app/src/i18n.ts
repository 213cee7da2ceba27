// The app's texts: locales/<lang>/web.json, bundled at build time.
import en from '../../../locales/en/web.json' with { type: 'json' };
import ja from '../../../locales/ja/web.json' with { type: 'json' };
import zhTW from '../../../locales/zh-TW/web.json' with { type: 'json' };
import ko from '../../../locales/ko/web.json' with { type: 'json' };
import es from '../../../locales/es/web.json' with { type: 'json' };

export type Lang = 'en' | 'ja' | 'zh-TW' | 'ko' | 'es';
const all: Record<Lang, unknown> = { en: en.web, ja: ja.web, 'zh-TW': zhTW.web, ko: ko.web, es: es.web };

export function guessLang(tag = navigator.language): Lang {
  const t = tag.toLowerCase();
  if (t.startsWith('zh')) return 'zh-TW';
  const base = t.split('-')[0] as Lang;
  return base in all ? base : 'en';
}

function lookup(tree: unknown, key: string): string | undefined {
  let node = tree;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return typeof node === 'string' ? node : undefined;
}

/** t('plans.title'), t('packs.points', { n: 50 }): keys are relative to the "web" area. */
export function translator(lang: Lang) {
  return (key: string, params: Record<string, string | number> = {}) =>
    (lookup(all[lang], key) ?? lookup(all.en, key) ?? key).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(params[k] ?? ''));
}

export const money = (minor: number, currency: 'TWD' | 'USD', lang: Lang) =>
  new Intl.NumberFormat(lang, { style: 'currency', currency, minimumFractionDigits: currency === 'USD' ? 2 : 0 }).format(currency === 'USD' ? minor / 100 : minor);
