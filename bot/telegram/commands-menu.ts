// The "/" menu Telegram shows beside the input field, set at start-up: every user's commands in each of our
// languages (scope default, language_code = the two-letter code Telegram reports for the user; zh-TW is "zh"), and
// the same list plus /admin only in the private chats of the admins of ADMIN_IDS (BotCommandScopeChat, which
// Telegram prefers to the default scope). Descriptions are the slash-command descriptions of locales/*/bot.json.
// Source: core.telegram.org/bots/api#setmycommands, #determining-list-of-commands (docs/platforms.md).
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Locale } from '../../core/model.ts';
import type { Translator } from '../../core/translator.ts';

const USER_COMMANDS = [
  'video',
  'style',
  'upscale',
  'status',
  'cancel',
  'balance',
  'history',
  'plans',
  'gallery',
  'link',
  'lang',
  'settings',
  'appeal',
  'help',
];
/** Our languages under Telegram's language codes (ISO 639-1: one Chinese). */
const TG_LANGUAGES: [string, Locale][] = [
  ['en', 'en'],
  ['ja', 'ja'],
  ['zh', 'zh-TW'],
  ['ko', 'ko'],
  ['es', 'es'],
];

export function commandList(t: Translator, locale: Locale, admin: boolean): BotCommand[] {
  return [...USER_COMMANDS, ...(admin ? ['admin'] : [])].map((command) => ({
    command,
    description: t.t(locale, { key: `bot.discord.${command}` }).slice(0, 256),
  }));
}

/** Telegram user ids of the ADMIN_IDS entries "telegram:<id>". */
export const telegramAdmins = (adminIds: string[]) =>
  adminIds
    .filter((a) => a.startsWith('telegram:'))
    .map((a) => Number(a.slice('telegram:'.length)))
    .filter((n) => Number.isSafeInteger(n) && n > 0);

export async function setCommandMenus(
  api: Api,
  t: Translator,
  defaultLocale: Locale,
  adminIds: number[],
): Promise<number> {
  let calls = 0;
  const set = async (commands: BotCommand[], other: Parameters<Api['setMyCommands']>[1]) => {
    await api.setMyCommands(commands, other);
    calls++;
  };
  await set(commandList(t, defaultLocale, false), {});
  for (const [code, locale] of TG_LANGUAGES) await set(commandList(t, locale, false), { language_code: code as 'en' });
  for (const chat_id of adminIds) {
    await set(commandList(t, defaultLocale, true), { scope: { type: 'chat', chat_id } });
    for (const [code, locale] of TG_LANGUAGES)
      await set(commandList(t, locale, true), { scope: { type: 'chat', chat_id }, language_code: code as 'en' });
  }
  return calls;
}
