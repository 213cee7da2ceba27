// A photo on Discord: the image attachment option of /video (option type 11, the file in data.resolved.attachments)
// or the message command "Animate" on a message with an image attachment (command type 3, the message in
// data.resolved.messages[target_id]). Sources: discord.com/developers/docs/interactions/application-commands
// (ATTACHMENT option type, message commands), .../resources/message#attachment-object (url, content_type, size).
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionType,
  type APIAttachment,
  type APIInteraction,
} from 'discord.js';
import type { InboundPhoto } from '../../core/model.ts';
import { fetchLimited } from '../read-limited.ts';

/** The message command's name, as registered (bot/discord/commands.ts). */
export const ANIMATE_MESSAGE_COMMAND = 'Animate';

const isImage = (a: APIAttachment) => Boolean(a.content_type?.startsWith('image/'));

/** The image attachment an interaction hands over, and the caption that goes with it (a message command's text). */
export function discordImage(i: APIInteraction): { attachment: APIAttachment; caption?: string } | undefined {
  if (i.type !== InteractionType.ApplicationCommand || !i.data) return undefined;
  const data = i.data;
  if (data.type === ApplicationCommandType.Message) {
    const message = data.resolved.messages[data.target_id];
    const attachment = message?.attachments.find(isImage);
    return attachment ? { attachment, caption: message?.content ?? '' } : undefined;
  }
  if (data.type !== ApplicationCommandType.ChatInput) return undefined;
  const option = data.options?.find((o) => o.type === ApplicationCommandOptionType.Attachment);
  const attachment = option && 'value' in option ? data.resolved?.attachments?.[String(option.value)] : undefined;
  return attachment && isImage(attachment) ? { attachment } : undefined;
}

export function discordPhoto(a: APIAttachment): InboundPhoto {
  return { declaredBytes: a.size, read: (maxBytes) => fetchLimited(a.url, maxBytes) };
}
