// Once a button of a question is pressed (consent, style pick, language …) its keyboard goes: the question's
// message keeps only its link buttons, so an old button cannot be pressed a second time. A video's own buttons
// stay (each is an action on that video). Telegram answers a second removal "message is not modified", which is
// the state we want. Source: core.telegram.org/bots/api#editmessagereplymarkup (docs/platforms.md).
import type { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';

/** What remains of a keyboard once its question is answered: link buttons only, or none. */
export function answeredKeyboard(kb: InlineKeyboardMarkup | undefined): InlineKeyboardMarkup | undefined {
  const rows = (kb?.inline_keyboard ?? []).map((row) => row.filter((b) => 'url' in b)).filter((row) => row.length);
  return rows.length ? { inline_keyboard: rows } : undefined;
}

export async function retireKeyboard(
  api: Api,
  chatId: number,
  pressed: { messageId: number; keyboard?: InlineKeyboardMarkup; media: boolean },
): Promise<void> {
  if (pressed.media || !pressed.keyboard?.inline_keyboard.some((row) => row.some((b) => 'callback_data' in b))) return;
  const rest = answeredKeyboard(pressed.keyboard);
  await api.editMessageReplyMarkup(chatId, pressed.messageId, rest ? { reply_markup: rest } : {}).catch(() => {});
}
