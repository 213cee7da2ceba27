// The slash commands registered with Discord (`npm run discord:register`): the same words as every platform.
// Descriptions come from locales/*/bot.json (bot.discord.*): English is the default, the others go in
// description_localizations under Discord's locale codes (discord.com/developers/docs/reference#locales;
// application-commands "Localization"). Descriptions are at most 100 characters.
import { ApplicationCommandType, ContextMenuCommandBuilder, SlashCommandBuilder, type LocalizationMap, type RESTPostAPIChatInputApplicationCommandsJSONBody, type RESTPostAPIContextMenuApplicationCommandsJSONBody } from 'discord.js';
import { ANIMATE_MESSAGE_COMMAND } from './photo.ts';
import type { Locale } from '../../core/model.ts';
import { loadResources } from '../../infra/i18n.ts';
import { loadStyleWords } from '../../infra/db/styles-repo.ts';

const LOCALES = ['en', 'ja', 'zh-TW', 'ko', 'es'] as const;
/** Our languages under Discord's locale codes (Spanish: Spain and Latin America). */
const DISCORD_LOCALES: [string, Locale][] = [['ja', 'ja'], ['zh-TW', 'zh-TW'], ['ko', 'ko'], ['es-ES', 'es'], ['es-419', 'es']];

type Texts = Record<string, { bot?: { discord?: Record<string, string> } }>;

export function slashCommands(resources: Texts = loadResources() as Texts): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const text = (key: string, locale: Locale) => (resources[locale]?.bot?.discord?.[key] ?? resources.en!.bot!.discord![key]!).slice(0, 100);
  const localized = (key: string) => Object.fromEntries(DISCORD_LOCALES.map(([d, l]) => [d, text(key, l)])) as LocalizationMap;
  const described = <T extends { setDescription(s: string): T; setDescriptionLocalizations(m: LocalizationMap): T }>(b: T, key: string) =>
    b.setDescription(text(key, 'en')).setDescriptionLocalizations(localized(key));
  const simple = (name: string) => described(new SlashCommandBuilder().setName(name), name);
  return [
    simple('video').addStringOption((o) => described(o.setName('prompt'), 'video_prompt').setRequired(true))
      .addAttachmentOption((o) => described(o.setName('image'), 'video_image')),
    // The catalogue's styles as choices (value = style id, names from locales/*/styles.json; Discord allows 25
    // choices, names up to 100 characters): read when `npm run discord:register` runs.
    simple('style').addStringOption((o) => described(o.setName('style'), 'style_style').setRequired(true)
      .addChoices(...Object.entries(loadStyleWords(resources as Record<string, Record<string, unknown>>)).slice(0, 25).map(([id, w]) => ({
        name: (w.names.en ?? id).slice(0, 100), value: id,
        name_localizations: Object.fromEntries(DISCORD_LOCALES.map(([dl, l]) => [dl, (w.names[l] ?? w.names.en ?? id).slice(0, 100)])) as LocalizationMap,
      }))))
      .addStringOption((o) => described(o.setName('prompt'), 'style_prompt')),
    simple('upscale'),
    simple('status'),
    simple('cancel'),
    simple('balance'),
    simple('history'),
    simple('plans').addStringOption((o) => described(o.setName('action'), 'plans_action')
      .addChoices({ name: 'cancel', value: 'cancel' })),
    simple('gallery'),
    simple('link').addStringOption((o) => described(o.setName('code'), 'link_code')),
    simple('lang').addStringOption((o) => described(o.setName('language'), 'lang_language')
      .addChoices(...LOCALES.map((l) => ({ name: l, value: l })))),
    simple('settings').addStringOption((o) => described(o.setName('autopay'), 'settings_autopay')
      .addChoices({ name: 'on', value: 'autopay on' }, { name: 'off', value: 'autopay off' })),
    simple('appeal').addStringOption((o) => described(o.setName('text'), 'appeal_text')),
    simple('help'),
    simple('admin').addStringOption((o) => described(o.setName('command'), 'admin_command').setRequired(true)),
  ].map((b) => b.toJSON());
}

/** The message command "Animate" (right-click a message with an image → Apps → Animate); message commands carry no description. */
export function messageCommands(): RESTPostAPIContextMenuApplicationCommandsJSONBody[] {
  return [new ContextMenuCommandBuilder().setName(ANIMATE_MESSAGE_COMMAND).setType(ApplicationCommandType.Message).toJSON()];
}
