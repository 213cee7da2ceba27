// The slash commands registered with Discord (`npm run discord:register`): the same words as every platform.
// Descriptions come from locales/*/bot.json (bot.discord.*): English is the default, the others go in
// description_localizations under Discord's locale codes (discord.com/developers/docs/reference#locales;
// application-commands "Localization"). Descriptions are at most 100 characters.
import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type LocalizationMap,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import { ANIMATE_MESSAGE_COMMAND } from './photo.ts';
import { LOCALES, type Locale } from '../../core/model.ts';

/** Our languages under Discord's locale codes (Spanish: Spain and Latin America). */
const DISCORD_LOCALES: [string, Locale][] = [
  ['ja', 'ja'],
  ['zh-TW', 'zh-TW'],
  ['ko', 'ko'],
  ['es-ES', 'es'],
  ['es-419', 'es'],
];

/** The locale files' texts per language (infra/i18n.ts loadResources). */
export type Texts = Record<string, { bot?: { discord?: Record<string, string> } }>;

export function slashCommands(resources: Texts): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const text = (key: string, locale: Locale) =>
    (resources[locale]?.bot?.discord?.[key] ?? resources.en!.bot!.discord![key]!).slice(0, 100);
  const localized = (key: string) =>
    Object.fromEntries(DISCORD_LOCALES.map(([d, l]) => [d, text(key, l)])) as LocalizationMap;
  const described = <T extends { setDescription(s: string): T; setDescriptionLocalizations(m: LocalizationMap): T }>(
    b: T,
    key: string,
  ) => b.setDescription(text(key, 'en')).setDescriptionLocalizations(localized(key));
  const simple = (name: string) => described(new SlashCommandBuilder().setName(name), name);
  return [
    simple('video')
      .addStringOption((o) => described(o.setName('prompt'), 'video_prompt').setRequired(true))
      .addAttachmentOption((o) => described(o.setName('image'), 'video_image')),
    // The catalogue's styles by autocomplete (bot/discord/autocomplete.ts): the whole catalogue as it is now, not 25
    // choices fixed when the commands were registered.
    simple('style')
      .addStringOption((o) => described(o.setName('style'), 'style_style').setRequired(true).setAutocomplete(true))
      .addStringOption((o) => described(o.setName('prompt'), 'style_prompt')),
    simple('upscale'),
    simple('status'),
    simple('cancel'),
    simple('balance'),
    simple('history'),
    simple('plans').addStringOption((o) =>
      described(o.setName('action'), 'plans_action').addChoices({ name: 'cancel', value: 'cancel' }),
    ),
    simple('gallery'),
    simple('link').addStringOption((o) => described(o.setName('code'), 'link_code')),
    simple('lang').addStringOption((o) =>
      described(o.setName('language'), 'lang_language').addChoices(...LOCALES.map((l) => ({ name: l, value: l }))),
    ),
    simple('settings').addStringOption((o) =>
      described(o.setName('autopay'), 'settings_autopay').addChoices(
        { name: 'on', value: 'autopay on' },
        { name: 'off', value: 'autopay off' },
      ),
    ),
    simple('appeal').addStringOption((o) => described(o.setName('text'), 'appeal_text')),
    simple('help'),
    // Hidden from server members without Administrator (a server's admins may grant it to a role); ADMIN_IDS still
    // decides who may run it. In the DM with the bot Discord shows it to everyone, and refuses them there.
    simple('admin')
      .setDefaultMemberPermissions(PermissionFlagsBits.Administrator)
      .addStringOption((o) => described(o.setName('command'), 'admin_command').setRequired(true)),
  ].map((b) => b.toJSON());
}

/** The message command "Animate" (right-click a message with an image → Apps → Animate); message commands carry no description. */
export function messageCommands(): RESTPostAPIContextMenuApplicationCommandsJSONBody[] {
  return [
    new ContextMenuCommandBuilder().setName(ANIMATE_MESSAGE_COMMAND).setType(ApplicationCommandType.Message).toJSON(),
  ];
}
