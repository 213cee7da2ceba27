// Discord transport: the route answers every interaction with a deferred reply (type 5) at once; this edits
// that reply (PATCH /webhooks/{app}/{token}/messages/@original) with the answer, then with progress and the
// finished video. Interaction tokens die after 15 minutes: later pushes go to the channel with the bot token.
// Personal answers in a server channel are ephemeral (flag 64): the whole answer when the route deferred it so
// (account commands), else an ephemeral follow-up message under the public one. Account notices pushed later go to
// the user's DM channel (POST /users/@me/channels opens it). Source: docs/outside-contracts.md §8 (receiving-and-responding.mdx),
// docs/security.md.
import { REST, Routes, type APIInteraction } from 'discord.js';
import type { Reply, ReplyTarget } from '../../core/model.ts';
import type { SharedState } from '../../core/ports.ts';
import type { Translator } from '../../core/translator.ts';
import type { ChatCore } from '../../core/api.ts';
import { respondOnce, type ResponseMemo } from '../inbox.ts';
import type { PlatformSender } from '../notifier-hub.ts';
import { EPHEMERAL, fromInteraction } from './inbound.ts';
import { renderDiscord, type DiscordMessage } from './render.ts';
import { disabledRows, isComponent, pressedId, pressedRows } from './answered-buttons.ts';

const TOKEN_LIFE_MS = 14 * 60_000; // a minute short of Discord's 15, so a slow edit still lands

export interface DiscordAdapterDeps {
  rest: REST;
  core: ChatCore;
  t: Translator;
  hasBotToken: boolean;
  log: { warn(o: object, m: string): void };
  now?: () => number;
  /** Caches users' DM channel ids (the channel never changes). */
  state?: SharedState;
}

const DM_TTL_MS = 30 * 24 * 3600_000;

/** DISCORD_API_BASE is ".../api/v10"; discord.js REST wants the base and the version apart. */
export function createDiscordRest(apiBase: string, botToken?: string): REST {
  const m = /^(.*)\/v(\d+)\/?$/.exec(apiBase);
  const rest = new REST({ api: m ? m[1]! : apiBase, version: m ? m[2]! : '10' });
  return botToken ? rest.setToken(botToken) : rest;
}

export class DiscordAdapter implements PlatformSender {
  private readonly now: () => number;
  constructor(private readonly d: DiscordAdapterDeps) {
    this.now = d.now ?? Date.now;
  }

  async handleInteraction(i: APIInteraction, memo?: ResponseMemo): Promise<void> {
    const event = fromInteraction(i, this.now());
    if (!event) return;
    const res = await respondOnce(this.d.core, event, memo);
    const limit =
      'attachment_size_limit' in i && typeof i.attachment_size_limit === 'number' ? i.attachment_size_limit : undefined;
    if (isComponent(i) && event.privateReplies) {
      // The route already disabled the pressed message's buttons (type 7): the whole answer is the user's alone.
      const all = await renderDiscord(this.d.t, res.locale, [...res.replies, ...(res.direct ?? [])], limit);
      if (all.body.content || all.body.components.length)
        await this.followUp(i.application_id, i.token, all, EPHEMERAL);
      return;
    }
    const notice: Reply[] = res.direct?.length ? [{ kind: 'text', message: { key: 'bot.private.below_discord' } }] : [];
    const answer = await renderDiscord(this.d.t, res.locale, [...res.replies, ...notice], limit);
    // A pressed message becomes the answer; with no buttons of its own it keeps the answered ones, disabled.
    if (isComponent(i) && !answer.body.components.length)
      answer.body.components = disabledRows(pressedRows(i), pressedId(i));
    await this.editOriginal(i.application_id, i.token, answer);
    // After the first answer, a follow-up message may be ephemeral on its own (the deferred one kept its kind).
    if (res.direct?.length)
      await this.followUp(i.application_id, i.token, await renderDiscord(this.d.t, res.locale, res.direct), EPHEMERAL);
  }

  async push(target: ReplyTarget, replies: Reply[]): Promise<void> {
    const h = target.handle;
    const msg = await renderDiscord(this.d.t, target.locale, replies);
    if (h?.interactionToken && h.applicationId && this.now() - Number(h.issuedAt ?? 0) < TOKEN_LIFE_MS) {
      await this.editOriginal(h.applicationId, h.interactionToken, msg);
      return;
    }
    if (replies.every((r) => r.kind === 'progress')) return; // no live message to edit: skip, the video follows
    if (!this.d.hasBotToken) {
      this.d.log.warn({ channel: target.chatId }, 'discord interaction expired and no bot token: push dropped');
      return;
    }
    const channel =
      target.conversation !== 'group' && target.chatId === target.platformUserId
        ? await this.dmChannel(target.platformUserId)
        : target.chatId;
    await this.d.rest.post(Routes.channelMessages(channel), {
      body: msg.body,
      ...(msg.files.length ? { files: msg.files } : {}),
    });
  }

  /** The user's DM channel with the bot (Discord answers an existing one again). */
  private async dmChannel(userId: string): Promise<string> {
    const key = `discord:dm:${userId}`;
    const cached = await this.d.state?.get(key);
    if (cached) return cached;
    const ch = (await this.d.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    await this.d.state?.set(key, ch.id, DM_TTL_MS);
    return ch.id;
  }

  private async followUp(applicationId: string, token: string, msg: DiscordMessage, flags: number): Promise<void> {
    await this.d.rest.post(Routes.webhook(applicationId, token), {
      body: { ...msg.body, flags },
      auth: false,
      ...(msg.files.length ? { files: msg.files } : {}),
    });
  }

  private async editOriginal(applicationId: string, token: string, msg: DiscordMessage): Promise<void> {
    await this.d.rest.patch(Routes.webhookMessage(applicationId, token, '@original'), {
      body: msg.body,
      auth: false,
      ...(msg.files.length ? { files: msg.files } : {}),
    });
  }
}
