// The slash commands registered with Discord (`npm run discord:register`): the same words as every platform.
import { SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

const LOCALES = ['en', 'ja', 'zh-TW', 'ko', 'es'] as const;

export function slashCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const simple = (name: string, description: string) => new SlashCommandBuilder().setName(name).setDescription(description);
  return [
    simple('video', 'Make a video from a prompt').addStringOption((o) => o.setName('prompt').setDescription('What to see').setRequired(true)),
    simple('style', 'Restyle a video').addStringOption((o) => o.setName('style').setDescription('Style name').setRequired(true))
      .addStringOption((o) => o.setName('prompt').setDescription('What to see (or empty for your last video)')),
    simple('upscale', 'Upscale your last video to 4K'),
    simple('status', 'Queue position and progress'),
    simple('cancel', 'Cancel the running video'),
    simple('balance', 'Your points'),
    simple('history', 'Your recent videos'),
    simple('plans', 'Plans and point packs (web page)'),
    simple('gallery', 'Your gallery (web page)'),
    simple('link', 'Join this account with another app').addStringOption((o) => o.setName('code').setDescription('Code from the other app')),
    simple('lang', 'Choose your language').addStringOption((o) => o.setName('language').setDescription('Language')
      .addChoices(...LOCALES.map((l) => ({ name: l, value: l })))),
    simple('settings', 'Auto-pay with points').addStringOption((o) => o.setName('autopay').setDescription('on or off')
      .addChoices({ name: 'on', value: 'autopay on' }, { name: 'off', value: 'autopay off' })),
    simple('appeal', 'Appeal the last refusal').addStringOption((o) => o.setName('text').setDescription('Why it should be allowed')),
    simple('help', 'All commands'),
    simple('admin', 'Administration').addStringOption((o) => o.setName('command').setDescription('e.g. stats, user <id>, grant <id> <points>').setRequired(true)),
  ].map((b) => b.toJSON());
}
