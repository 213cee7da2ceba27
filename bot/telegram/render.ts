// Reply[] → Telegram sends. Videos go by URL up to 20 MB when Telegram can fetch the URL (public https), else
// uploaded up to 50 MB (from this machine's disk, or read from our own URL first), else as a link (Bot API
// "Sending files"; docs/outside-contracts.md §7, docs/platforms.md). Choices are inline keyboards (callback_data ≤ 64
// bytes = the command); a button URL Telegram could not open (localhost, private address, http) goes in text.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Choice, Locale, Reply } from '../../core/model.ts';
import type { Translator } from '../../core/translator.ts';

export const TG_URL_LIMIT = 20 * 1024 * 1024;
export const TG_UPLOAD_LIMIT = 50 * 1024 * 1024;

export type TelegramSend =
  | { method: 'text'; text: string; markup?: InlineKeyboardMarkup }
  /** url: Telegram fetches it; file: uploaded from disk; fetch: read from our own URL and uploaded (else `fallback`, a link). */
  | {
      method: 'video';
      url?: string;
      file?: string;
      fetch?: string;
      fallback?: string;
      caption: string;
      markup?: InlineKeyboardMarkup;
      generationId: string;
    }
  | { method: 'progress'; generationId: string; text: string };

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|0\.0\.0\.0|\[(::1?|f[cd][0-9a-f:]*|fe80:[0-9a-f:]*)\])$/i;

/** Whether Telegram's servers can reach a URL: https on a host that is not this machine or a private network. */
export const telegramReachable = (url: string) => {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !PRIVATE_HOST.test(u.hostname);
  } catch {
    return false;
  }
};

export function keyboard(t: Translator, locale: Locale, choices: Choice[]): InlineKeyboardMarkup | undefined {
  const buttons: InlineKeyboardButton[] = [];
  for (const c of choices) {
    const text = t.t(locale, c.label);
    if (c.url && telegramReachable(c.url)) buttons.push({ text, url: c.url });
    else if (c.command && Buffer.byteLength(c.command) <= 64) buttons.push({ text, callback_data: c.command });
  }
  if (!buttons.length) return undefined;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return { inline_keyboard: rows };
}

export const progressBar = (percent: number) => {
  const n = Math.max(0, Math.min(10, Math.round(percent / 10)));
  return `${'▓'.repeat(n)}${'░'.repeat(10 - n)} ${Math.round(percent)}%`;
};

export function renderTelegram(t: Translator, locale: Locale, replies: Reply[]): TelegramSend[] {
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every Reply kind (tsc checks it)
  return replies.map((r): TelegramSend => {
    switch (r.kind) {
      case 'text':
        return {
          method: 'text',
          text: t.t(locale, r.message),
          markup: r.choices ? keyboard(t, locale, r.choices) : undefined,
        };
      case 'link': {
        const markup = keyboard(t, locale, [{ label: r.label, command: '', url: r.url }]);
        return {
          method: 'text',
          text: markup ? t.t(locale, r.message) : `${t.t(locale, r.message)}\n${r.url}`,
          markup,
        };
      }
      case 'progress':
        return {
          method: 'progress',
          generationId: r.generationId,
          text: `${t.t(locale, r.message)}\n${progressBar(r.percent)}`,
        };
      case 'video': {
        const caption = `${t.t(locale, r.caption)}\n${r.galleryUrl}`;
        const markup = r.choices ? keyboard(t, locale, r.choices) : undefined;
        const reachable = telegramReachable(r.videoUrl);
        if (reachable && r.sizeBytes <= TG_URL_LIMIT)
          return { method: 'video', url: r.videoUrl, caption, markup, generationId: r.generationId };
        if (r.localPath && r.sizeBytes <= TG_UPLOAD_LIMIT)
          return { method: 'video', file: r.localPath, caption, markup, generationId: r.generationId };
        const link = `${caption}\n${t.t(locale, { key: 'bot.video.ready_link', params: { url: r.videoUrl } })}`;
        if (!reachable && r.sizeBytes <= TG_UPLOAD_LIMIT)
          return { method: 'video', fetch: r.videoUrl, fallback: link, caption, markup, generationId: r.generationId };
        return { method: 'text', text: link, markup };
      }
    }
  });
}
