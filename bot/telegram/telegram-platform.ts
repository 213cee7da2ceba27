// Telegram as one PlatformAdapter: grammY's Bot with flood control, the adapter, POST /webhooks/telegram when a
// webhook secret is set, and long polling when no webhook can be set (one poller across instances when the
// wiring gives a lease: webhook mode needs none, every instance serves the route). setWebhook and the command
// menus run at creation and are not awaited, not even by stop(): an unreachable Telegram must not hold up start-up
// or shutdown.
import { Bot } from 'grammy';
import type { InboxHandler } from '../inbox.ts';
import type { PlatformAdapter, PlatformDeps } from '../platform.ts';
import { setCommandMenus, telegramAdmins } from './commands-menu.ts';
import type { TelegramConfig } from './descriptor.ts';
import { installFloodControl, type FloodLimits } from './flood-control.ts';
import { telegramSource } from './inbound.ts';
import { telegramPoller } from './polling.ts';
import { TelegramAdapter } from './telegram-adapter.ts';
import { setTelegramWebhook, telegramWebhookUrl } from './webhook-setup.ts';
import { telegramWebhookRoute } from './webhook-route.ts';

export function createTelegramPlatform(deps: PlatformDeps<TelegramConfig>, limits?: FloodLimits): PlatformAdapter {
  const { config, log } = deps;
  const tg = config.telegram!;
  const bot = new Bot(tg.botToken, { client: { apiRoot: tg.apiRoot } });
  installFloodControl(bot.api, limits);
  const adapter = new TelegramAdapter({
    api: bot.api,
    core: deps.core,
    t: deps.t,
    state: deps.state,
    log,
    username: tg.username,
    fileBase: `${tg.apiRoot.replace(/\/+$/, '')}/file/bot${tg.botToken}`,
  });
  const handle: InboxHandler = (update, memo) => adapter.handleUpdate(update, memo);
  const botId = tg.botToken.split(':')[0]!;
  const webhook = telegramWebhookUrl(config.publicBaseUrl, tg.webhookSecret);
  const ready = (async () => {
    if (webhook)
      await setTelegramWebhook(bot.api, webhook, tg.webhookSecret!).catch((err) =>
        log.warn({ err: String(err) }, 'telegram setWebhook failed'),
      );
    await setCommandMenus(bot.api, deps.t, config.defaultLocale, telegramAdmins(config.adminIds)).catch((err) =>
      log.warn({ err: String(err) }, 'telegram command menus not set'),
    );
  })();
  const stops: (() => Promise<void>)[] = [];
  return {
    name: 'telegram',
    inbox: { source: telegramSource(botId), handle },
    sender: adapter,
    ready,
    routes(server) {
      const secretToken = tg.webhookSecret;
      if (secretToken) telegramWebhookRoute(server, { ...deps.webhook, secretToken, botId, handle });
    },
    async start() {
      if (webhook || !deps.polling) return;
      const poller = telegramPoller(bot, handle, deps.store, log);
      if (deps.holdExclusive) {
        // Several instances: only the holder of the lease polls; another takes over when it dies.
        const lease = deps.holdExclusive(`telegram-polling:${botId}`, {
          onHeld: () => poller.begin(),
          onLost: () => poller.end(),
        });
        stops.push(() => lease.stop());
      } else {
        await poller.begin().catch((err) => log.warn({ err: String(err) }, 'telegram long polling could not start'));
        stops.push(() => poller.end());
      }
    },
    async stop() {
      for (const s of stops.splice(0)) await s();
    },
  };
}
