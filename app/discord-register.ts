// `npm run discord:register`: bulk-overwrites the slash commands (PUT /applications/{app}/commands, or the
// guild's when DISCORD_GUILD_ID is set: instant, for development). docs/outside-contracts.md §8.
import { Routes } from 'discord.js';
import { loadConfig } from './config.ts';
import { createDiscordRest } from '../bot/discord/discord-adapter.ts';
import { messageCommands, slashCommands, type Texts } from '../bot/discord/commands.ts';
import { loadResources } from '../infra/i18n.ts';

export async function registerDiscordCommands(d: {
  applicationId: string;
  botToken?: string;
  apiBase: string;
  guildId?: string;
}) {
  if (!d.botToken) throw new Error('DISCORD_BOT_TOKEN is required to register commands');
  const rest = createDiscordRest(d.apiBase, d.botToken);
  const route = d.guildId
    ? Routes.applicationGuildCommands(d.applicationId, d.guildId)
    : Routes.applicationCommands(d.applicationId);
  return (await rest.put(route, { body: [...slashCommands(loadResources() as Texts), ...messageCommands()] })) as {
    name: string;
  }[];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  if (!config.discord) {
    console.error('DISCORD_APPLICATION_ID and DISCORD_PUBLIC_KEY are not set');
    process.exit(1);
  }
  const done = await registerDiscordCommands(config.discord);
  console.log(`registered ${done.length} commands: ${done.map((c) => c.name).join(', ')}`);
}
