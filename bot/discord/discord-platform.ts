// Discord as one PlatformAdapter: REST at DISCORD_API_BASE (the bot token, when set, for pushes after the
// interaction token expired), the adapter, and POST /webhooks/discord with /style's autocomplete.
import type { InboxHandler } from '../inbox.ts';
import type { PlatformAdapter, PlatformDeps } from '../platform.ts';
import type { DiscordConfig } from './descriptor.ts';
import { createDiscordRest, DiscordAdapter } from './discord-adapter.ts';
import { DISCORD_SOURCE } from './inbound.ts';
import { ed25519Key } from './verify.ts';
import { discordWebhookRoute } from './webhook-route.ts';

export function createDiscordPlatform(deps: PlatformDeps<DiscordConfig>): PlatformAdapter {
  const discord = deps.config.discord!;
  const adapter = new DiscordAdapter({
    rest: createDiscordRest(discord.apiBase, discord.botToken),
    core: deps.core,
    t: deps.t,
    hasBotToken: Boolean(discord.botToken),
    log: deps.log,
    state: deps.state,
  });
  const handle: InboxHandler = (i, memo) => adapter.handleInteraction(i, memo);
  return {
    name: 'discord',
    inbox: { source: DISCORD_SOURCE, handle },
    sender: adapter,
    routes: (server) =>
      discordWebhookRoute(server, {
        ...deps.webhook,
        publicKey: ed25519Key(discord.publicKey),
        handle,
        styles: deps.styles,
      }),
  };
}
