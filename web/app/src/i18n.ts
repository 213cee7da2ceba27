// The app's texts: locales/<lang>/web.json (and each language's own name from common.json), bundled at build time
// and rendered by i18next, with the server's rules for plurals and Intl formatting (infra/i18n-format.ts).
import i18next from 'i18next';
import { countedKeys, formatDate, i18nextOptions, type Params } from '../../../infra/i18n-format.ts';
import en from '../../../locales/en/web.json' with { type: 'json' };
import ja from '../../../locales/ja/web.json' with { type: 'json' };
import zhTW from '../../../locales/zh-TW/web.json' with { type: 'json' };
import ko from '../../../locales/ko/web.json' with { type: 'json' };
import es from '../../../locales/es/web.json' with { type: 'json' };
import enName from '../../../locales/en/common.json' with { type: 'json' };
import jaName from '../../../locales/ja/common.json' with { type: 'json' };
import zhTWName from '../../../locales/zh-TW/common.json' with { type: 'json' };
import koName from '../../../locales/ko/common.json' with { type: 'json' };
import esName from '../../../locales/es/common.json' with { type: 'json' };

export type Lang = 'en' | 'ja' | 'zh-TW' | 'ko' | 'es';
/** A locale file's tree of texts. */
type Texts = { [key: string]: string | Texts };
const all: Record<Lang, Texts> = { en: en.web, ja: ja.web, 'zh-TW': zhTW.web, ko: ko.web, es: es.web };
export const LANGS = Object.keys(all) as Lang[];
/** Each language in its own words, for the switcher. */
export const LANG_NAMES: Record<Lang, string> = {
  en: enName.common.language_name,
  ja: jaName.common.language_name,
  'zh-TW': zhTWName.common.language_name,
  ko: koName.common.language_name,
  es: esName.common.language_name,
};

export function guessLang(tag = navigator.language): Lang {
  const t = tag.toLowerCase();
  if (t.startsWith('zh')) return 'zh-TW';
  const base = t.split('-')[0] as Lang;
  return base in all ? base : 'en';
}

export const isLang = (v: unknown): v is Lang => typeof v === 'string' && v in all;

const instance = i18next.createInstance();
instance.init({
  resources: Object.fromEntries(LANGS.map((l) => [l, { translation: all[l] }])),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/** Which keys count, and the English text that names the parameter they count. */
const counted = countedKeys(en.web);

export type T = (key: string, params?: Params) => string;

/** t('plans.title'), t('packs.points', { n: 50 }): keys are relative to the "web" area. */
export function translator(lang: Lang): T {
  return (key, params = {}) => instance.t(key, i18nextOptions(lang, params, counted.get(key))) as string;
}

/** A day or an instant from the API ("2026-12-31", "2026-12-31T00:00:00.000Z"), in the reader's locale. */
export const day = (value: string | null | undefined, lang: Lang) => (value ? formatDate(lang, value) : '');

export const money = (minor: number, currency: 'TWD' | 'USD', lang: Lang) =>
  new Intl.NumberFormat(lang, {
    style: 'currency',
    currency,
    minimumFractionDigits: currency === 'USD' ? 2 : 0,
  }).format(currency === 'USD' ? minor / 100 : minor);
