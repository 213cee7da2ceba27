// Reply[] → Telegram sends. Videos go by URL up to 20 MB (Telegram fetches them), uploaded up to 50 MB when the
// file is on this machine, else as a link (Bot API "Sending files"; api-contracts.md §7). Choices are inline
// keyboards (callback_data ≤ 64 bytes = the command); Telegram refuses button URLs on localhost, so those go in text.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Choice, Locale, Reply } from '../../core/model.ts';
import type { Translator } from '../../infra/i18n.ts';

export const TG_URL_LIMIT = 20 * 1024 * 1024;
export const TG_UPLOAD_LIMIT = 50 * 1024 * 1024;

export type TelegramSend =
  | { method: 'text'; text: string; markup?: InlineKeyboardMarkup }
  | { method: 'video'; url?: string; file?: string; caption: string; markup?: InlineKeyboardMarkup; generationId: string }
  | { method: 'progress'; generationId: string; text: string };

const buttonUrlOk = (url: string) => {
  try {
    const h = new URL(url).hostname;
    return !['localhost', '127.0.0.1', '::1', '[::1]'].includes(h);
  } catch {
    return false;
  }
};

export function keyboard(t: Translator, locale: Locale, choices: Choice[]): InlineKeyboardMarkup | undefined {
  const buttons: InlineKeyboardButton[] = [];
  for (const c of choices) {
    const text = t.t(locale, c.label);
    if (c.url && buttonUrlOk(c.url)) buttons.push({ text, url: c.url });
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
  return replies.map((r): TelegramSend => {
    switch (r.kind) {
      case 'text':
        return { method: 'text', text: t.t(locale, r.message), markup: r.choices ? keyboard(t, locale, r.choices) : undefined };
      case 'link': {
        const markup = keyboard(t, locale, [{ label: r.label, command: '', url: r.url }]);
        return { method: 'text', text: markup ? t.t(locale, r.message) : `${t.t(locale, r.message)}\n${r.url}`, markup };
      }
      case 'progress':
        return { method: 'progress', generationId: r.generationId, text: `${t.t(locale, r.message)}\n${progressBar(r.percent)}` };
      case 'video': {
        const caption = `${t.t(locale, r.caption)}\n${r.galleryUrl}`;
        const markup = r.choices ? keyboard(t, locale, r.choices) : undefined;
        if (r.sizeBytes <= TG_URL_LIMIT) return { method: 'video', url: r.videoUrl, caption, markup, generationId: r.generationId };
        if (r.localPath && r.sizeBytes <= TG_UPLOAD_LIMIT) return { method: 'video', file: r.localPath, caption, markup, generationId: r.generationId };
        return { method: 'text', text: `${caption}\n${t.t(locale, { key: 'bot.video.ready_link', params: { url: r.videoUrl } })}`, markup };
      }
    }
  });
}
