// Telegram Update → ChatEvent (core.telegram.org/bots/api#update). Buttons are inline keyboards whose
// callback_data is the command itself; language_code is the user's Telegram language.
import type { InlineKeyboardMarkup, Update } from 'grammy/types';
import type { ChatEvent, Conversation } from '../../core/model.ts';
import { telegramImage } from './photo.ts';

/** The inbox source of one bot's updates; update_id (unique per bot) is their idempotency key. */
export const telegramSource = (botId: string) => `telegram:${botId}`;

/** Only a private chat is one-to-one; groups, supergroups and channels are read by others. */
const conversationOf = (chat: { type: string } | undefined): Conversation =>
  !chat || chat.type === 'private' ? 'direct' : 'group';

export interface TelegramInbound {
  event: ChatEvent;
  chatId: number;
  callbackQueryId?: string;
  /** The message whose button was pressed: its keyboard, and whether it carries media (a video's own buttons stay). */
  pressed?: { messageId: number; keyboard?: InlineKeyboardMarkup; media: boolean };
  replyToMessageId?: number;
  /** A photo (or image document) to animate; the event's text is its caption. */
  image?: { fileId: string; size?: number };
}

export function fromTelegramUpdate(u: Update): TelegramInbound | null {
  const base = { platform: 'telegram' as const, eventId: String(u.update_id) };
  if (u.callback_query) {
    const q = u.callback_query;
    const chatId = q.message?.chat.id ?? q.from.id;
    return {
      event: {
        ...base,
        kind: 'message',
        platformUserId: String(q.from.id),
        chatId: String(chatId),
        conversation: conversationOf(q.message?.chat),
        displayName: [q.from.first_name, q.from.last_name].filter(Boolean).join(' '),
        platformLocale: q.from.language_code,
        text: q.data ?? '',
      },
      chatId,
      callbackQueryId: q.id,
      ...(q.message
        ? {
            pressed: {
              messageId: q.message.message_id,
              keyboard: 'reply_markup' in q.message ? q.message.reply_markup : undefined,
              media: 'video' in q.message || 'photo' in q.message || 'animation' in q.message,
            },
          }
        : {}),
    };
  }
  const m = u.message;
  if (!m?.from) return null;
  const image = telegramImage(m);
  const text = image ? m.caption : m.text;
  return {
    ...(image ? { image } : {}),
    event: {
      ...base,
      kind: text === undefined && !image ? 'unsupported' : 'message',
      platformUserId: String(m.from.id),
      chatId: String(m.chat.id),
      conversation: conversationOf(m.chat),
      displayName: [m.from.first_name, m.from.last_name].filter(Boolean).join(' '),
      platformLocale: m.from.language_code,
      ...(text !== undefined ? { text } : {}),
    },
    chatId: m.chat.id,
    replyToMessageId: m.reply_to_message?.message_id,
  };
}
