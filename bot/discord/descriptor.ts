// Discord in the platform registry (bot/platforms.ts): on when DISCORD_APPLICATION_ID and DISCORD_PUBLIC_KEY are
// set; discord.js (about 40 MB resident) loads only then.
import type { PlatformDescriptor } from '../platform.ts';

/** The part of the app config (app/config.ts) Discord reads. */
export interface DiscordConfig {
  discord?: { publicKey: string; botToken?: string; apiBase: string };
}

export const discordPlatform: PlatformDescriptor<DiscordConfig> = {
  name: 'discord',
  configured: (config) => Boolean(config.discord),
  create: async (deps) => (await import('./discord-platform.ts')).createDiscordPlatform(deps),
};
