// Discord interaction → ChatEvent. Slash commands become the same text commands every platform uses
// ("/video a cat"); buttons carry the command as custom_id. The interaction token (valid 15 minutes) is the
// handle later edits of the deferred reply need.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionType,
  type APIInteraction,
  type APIApplicationCommandInteractionDataOption,
} from 'discord.js';
import type { ChatEvent } from '../../core/model.ts';
import { isPersonalCommand, parse } from '../../core/commands/grammar.ts';
import { ANIMATE_COMMAND } from '../../core/photos/photo-chat.ts';
import { discordImage, discordPhoto } from './photo.ts';

/** The inbox source of Discord's interactions; the interaction id is their idempotency key. */
export const DISCORD_SOURCE = 'discord';

/** Discord's EPHEMERAL message flag: only the user who acted sees the message. */
export const EPHEMERAL = 1 << 6;

function optionText(options: APIApplicationCommandInteractionDataOption[] | undefined): string {
  const parts: string[] = [];
  for (const o of options ?? []) {
    if ('options' in o) parts.push(o.name, optionText(o.options as APIApplicationCommandInteractionDataOption[]));
    else if ('value' in o && o.type !== ApplicationCommandOptionType.Attachment) parts.push(String(o.value)); // a file is no text
  }
  return parts.filter(Boolean).join(' ');
}

/** The command an interaction stands for: a slash command as its text form, a button as its custom_id. */
export function interactionText(i: APIInteraction): string | null {
  // The message command "Animate": the message's image is the photo, its text the caption (bot/discord/photo.ts).
  if (i.type === InteractionType.ApplicationCommand && i.data?.type === ApplicationCommandType.Message) {
    return discordImage(i)?.caption ?? ANIMATE_COMMAND;
  }
  if (i.type === InteractionType.ApplicationCommand && i.data && 'name' in i.data) {
    const opts = 'options' in i.data ? (i.data.options as APIApplicationCommandInteractionDataOption[]) : undefined;
    return `/${i.data.name} ${optionText(opts)}`.trim();
  }
  if (i.type === InteractionType.MessageComponent && i.data && 'custom_id' in i.data) return i.data.custom_id;
  return null;
}

/**
 * Whether the deferred answer is ephemeral. Discord fixes that with the first response (type 5), before core has
 * run, so it is decided from the command: an account command in a server channel is answered for the user alone.
 */
export function answersEphemerally(i: APIInteraction): boolean {
  const text = interactionText(i);
  return Boolean(i.guild_id) && text !== null && isPersonalCommand(parse(text));
}

export function fromInteraction(i: APIInteraction, now: number): ChatEvent | null {
  const user = i.member?.user ?? i.user;
  const text = interactionText(i);
  if (!user || !i.channel_id || text === null) return null;
  const image = discordImage(i);
  return {
    ...(image ? { photo: discordPhoto(image.attachment) } : {}),
    platform: 'discord',
    kind: 'message',
    eventId: i.id,
    platformUserId: user.id,
    chatId: i.channel_id,
    // A server channel is read by others; without guild_id the interaction came from the DM with the bot.
    conversation: i.guild_id ? 'group' : 'direct',
    ...(answersEphemerally(i) ? { privateReplies: true } : {}),
    displayName: user.global_name ?? user.username,
    platformLocale: 'locale' in i ? i.locale : undefined,
    text,
    replyHandle: { interactionToken: i.token, applicationId: i.application_id, issuedAt: String(now) },
  };
}
