// Which adapter handles which inbox source, shared by the webhook routes, Telegram polling and resumePending;
// and the resumePending the bot wiring exposes (call it at start-up and periodically).
import type { DiscordAdapter } from './discord/discord-adapter.ts';
import type { LineAdapter } from './line/line-adapter.ts';
import type { TelegramAdapter } from './telegram/telegram-adapter.ts';
import { resumePending, type InboxHandler, type InboxStore, type ResumeResult } from './inbox.ts';

export const telegramSource = (botId: string) => `telegram:${botId}`;

export const lineHandler =
  (a: LineAdapter): InboxHandler =>
  (ev, memo) =>
    a.handleEvent(ev, memo);
export const telegramHandler =
  (a: TelegramAdapter): InboxHandler =>
  (update, memo) =>
    a.handleUpdate(update, memo);
export const discordHandler =
  (a: DiscordAdapter): InboxHandler =>
  (i, memo) =>
    a.handleInteraction(i, memo);

export interface ResumableBot {
  store: InboxStore;
  line?: LineAdapter;
  telegram?: TelegramAdapter;
  discord?: DiscordAdapter;
}

/** resumePending(olderThanMs) over the adapters that are configured. telegramBotId: the part of the token before ':'. */
export function createResumePending(
  bot: ResumableBot,
  opts: { telegramBotId?: string; log?: { error(o: object, m: string): void } } = {},
) {
  const handlers: Record<string, InboxHandler> = {};
  if (bot.line) handlers.line = lineHandler(bot.line);
  if (bot.telegram && opts.telegramBotId) handlers[telegramSource(opts.telegramBotId)] = telegramHandler(bot.telegram);
  if (bot.discord) handlers.discord = discordHandler(bot.discord);
  return (olderThanMs: number): Promise<ResumeResult> => resumePending(bot.store, handlers, olderThanMs, opts.log);
}
