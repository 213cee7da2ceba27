// Long polling when no webhook is configured (no secret or no public https URL): grammY runner, one update
// at a time per chat (sequentialize), deduplicated like the webhook. Webhook and polling exclude each other,
// so the webhook is deleted first (api-contracts.md §7).
import type { Bot } from 'grammy';
import { run, sequentialize } from '@grammyjs/runner';
import type { TelegramAdapter } from './telegram-adapter.ts';

export async function startPolling(bot: Bot, adapter: TelegramAdapter, dedupe: { firstDelivery(s: string, id: string): Promise<boolean> }) {
  await bot.init();
  await bot.api.deleteWebhook();
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.use(async (ctx) => {
    if (await dedupe.firstDelivery(`telegram:${bot.botInfo.id}`, String(ctx.update.update_id))) await adapter.handleUpdate(ctx.update);
  });
  bot.catch(() => {});
  const handle = run(bot);
  return { stop: () => handle.stop() };
}
