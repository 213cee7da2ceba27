// Discord interaction → ChatEvent. Slash commands become the same text commands every platform uses
// ("/video a cat"); buttons carry the command as custom_id. The interaction token (valid 15 minutes) is the
// handle later edits of the deferred reply need.
import { InteractionType, type APIInteraction, type APIApplicationCommandInteractionDataOption } from 'discord.js';
import type { ChatEvent } from '../../core/model.ts';

function optionText(options: APIApplicationCommandInteractionDataOption[] | undefined): string {
  const parts: string[] = [];
  for (const o of options ?? []) {
    if ('options' in o) parts.push(o.name, optionText(o.options as APIApplicationCommandInteractionDataOption[]));
    else if ('value' in o) parts.push(String(o.value));
  }
  return parts.filter(Boolean).join(' ');
}

export function fromInteraction(i: APIInteraction, now: number): ChatEvent | null {
  const user = i.member?.user ?? i.user;
  if (!user || !i.channel_id) return null;
  let text: string;
  if (i.type === InteractionType.ApplicationCommand && 'name' in i.data) {
    const opts = 'options' in i.data ? (i.data.options as APIApplicationCommandInteractionDataOption[]) : undefined;
    text = `/${i.data.name} ${optionText(opts)}`.trim();
  } else if (i.type === InteractionType.MessageComponent && 'custom_id' in i.data) {
    text = i.data.custom_id;
  } else {
    return null;
  }
  return {
    platform: 'discord', kind: 'message', eventId: i.id, platformUserId: user.id, chatId: i.channel_id,
    displayName: user.global_name ?? user.username, platformLocale: i.locale, text,
    replyHandle: { interactionToken: i.token, applicationId: i.application_id, issuedAt: String(now) },
  };
}
