// Long polling when no webhook is configured (no secret or no public https URL): grammY runner, one update
// at a time per chat (sequentialize), through the same inbox as the webhook (deduplicated, kept until handled,
// so resumePending picks up what a crash interrupted). Webhook and polling exclude each other, so the webhook
// is deleted first (api-contracts.md §7).
import type { Bot } from 'grammy';
import { run, sequentialize } from '@grammyjs/runner';
import type { TelegramAdapter } from './telegram-adapter.ts';
import { attempt, type InboxStore } from '../inbox.ts';
import { telegramHandler, telegramSource } from '../inbox-resume.ts';

export async function startPolling(bot: Bot, adapter: TelegramAdapter, inbox: InboxStore) {
  await bot.init();
  await bot.api.deleteWebhook();
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  const source = telegramSource(String(bot.botInfo.id));
  bot.use(async (ctx) => {
    const id = String(ctx.update.update_id);
    if (await inbox.accept(source, id, ctx.update)) await attempt(inbox, source, id, ctx.update, telegramHandler(adapter));
  });
  bot.catch(() => {});
  const handle = run(bot);
  return { stop: () => handle.stop() };
}
