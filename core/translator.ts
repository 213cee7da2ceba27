// The port for rendering core's messages as text: the chat adapters render with it, infra/i18n.ts implements it.
import type { Locale, Msg } from './model.ts';

export interface Translator {
  t(locale: Locale, msg: Msg): string;
  /** Maps a platform's language tag (ja-JP, zh-Hant, zh_TW, es-419 …) to one of ours. */
  resolveLocale(tag: string | undefined, fallback: Locale): Locale;
}
