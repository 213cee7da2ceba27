// Telegram transport over grammY's Api (client.apiRoot = TELEGRAM_API_ROOT). While a video is made the chat
// shows an "uploading video" action and ONE status message per video (keyed by generation, so two videos at
// once each have their own), edited in place with the queue position and progress; the finished video is sent by URL (or uploaded, or linked when too large).
// Personal answers to a group message go to the user's private chat (its id is the user id); Telegram refuses that
// (403) until the user has started the bot, and then the group is told how to.
import { GrammyError, InputFile, type Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Reply, ReplyTarget } from '../../core/model.ts';
import type { SharedState } from '../../core/ports.ts';
import type { Translator } from '../../infra/i18n.ts';
import type { BotCore } from '../bot-core.ts';
import { respondOnce, type ResponseMemo } from '../inbox.ts';
import type { PlatformSender } from '../notifier-hub.ts';
import { fromTelegramUpdate } from './inbound.ts';
import { telegramPhoto } from './photo.ts';
import { renderTelegram, type TelegramSend } from './render.ts';

export interface TelegramAdapterDeps {
  api: Api;
  core: BotCore;
  t: Translator;
  state: SharedState;
  log: { warn(o: object, m: string): void };
  /** The bot's @username (TELEGRAM_BOT_USERNAME): the group is pointed at t.me/<username> to start a private chat. */
  username?: string;
  /** {apiRoot}/file/bot<token>, where photos are downloaded; without it a photo is an unsupported message. */
  fileBase?: string;
}

const STATUS_TTL_MS = 2 * 3600_000;
const VIDEO_MSG_TTL_MS = 30 * 24 * 3600_000;
const statusKey = (chatId: number | string, generationId: string) => `tg:status:${chatId}:${generationId}`;

export class TelegramAdapter implements PlatformSender {
  constructor(private readonly d: TelegramAdapterDeps) {}

  async handleUpdate(update: Update, memo?: ResponseMemo): Promise<void> {
    const inbound = fromTelegramUpdate(update);
    if (!inbound) return;
    const { event, chatId } = inbound;
    if (inbound.image && this.d.fileBase) event.photo = telegramPhoto(this.d.api, this.d.fileBase, inbound.image);
    else if (inbound.image) event.kind = 'unsupported'; // its caption is no text prompt
    if (inbound.callbackQueryId) await this.d.api.answerCallbackQuery(inbound.callbackQueryId).catch(() => {});
    if (inbound.replyToMessageId) {
      const gen = await this.d.state.get(`tg:video:${chatId}:${inbound.replyToMessageId}`);
      if (gen) event.repliedGenerationId = gen;
    }
    const res = await respondOnce(this.d.core, event, memo);
    const notice = res.direct?.length ? await this.sendPrivately(event.platformUserId, res.locale, res.direct) : [];
    await this.deliver(chatId, renderTelegram(this.d.t, res.locale, [...res.replies, ...notice]), res.pending ? { generationId: res.generationId } : undefined);
  }

  /** Sends personal replies to the user's private chat; what the group then hears. */
  private async sendPrivately(userId: string, locale: ReplyTarget['locale'], replies: Reply[]): Promise<Reply[]> {
    const sent = await this.deliver(userId, renderTelegram(this.d.t, locale, replies)).then(() => true, (err) => {
      // 403: the user never started the bot (or blocked it); 400: no such private chat.
      if (err instanceof GrammyError && (err.error_code === 403 || err.error_code === 400)) return false;
      throw err;
    });
    if (sent) return [{ kind: 'text', message: { key: 'bot.private.sent' } }];
    const url = this.d.username ? `https://t.me/${this.d.username}` : undefined;
    return [{ kind: 'text', message: url ? { key: 'bot.private.unreachable_telegram', params: { url } } : { key: 'bot.private.unreachable' } }];
  }

  async push(target: ReplyTarget, replies: Reply[]): Promise<void> {
    await this.deliver(target.chatId, renderTelegram(this.d.t, target.locale, replies));
  }

  private async deliver(chatId: number | string, sends: TelegramSend[], pending?: { generationId?: string }): Promise<void> {
    const api = this.d.api;
    let lastText: { id: number; text: string } | undefined;
    for (const s of sends) {
      if (s.method === 'text') {
        const m = await api.sendMessage(chatId, s.text, s.markup ? { reply_markup: s.markup } : {});
        lastText = { id: m.message_id, text: s.text };
      } else if (s.method === 'video') {
        const video = s.file ? new InputFile(s.file) : s.url!;
        const m = await api.sendVideo(chatId, video, { caption: s.caption, supports_streaming: true, ...(s.markup ? { reply_markup: s.markup } : {}) });
        await this.d.state.set(`tg:video:${chatId}:${m.message_id}`, s.generationId, VIDEO_MSG_TTL_MS);
        await this.d.state.del(statusKey(chatId, s.generationId));
      } else {
        await this.progress(chatId, s.generationId, s.text);
      }
    }
    if (pending) {
      // The "queued" answer becomes the status message this video's progress edits.
      if (lastText && pending.generationId) await this.d.state.set(statusKey(chatId, pending.generationId), JSON.stringify(lastText), STATUS_TTL_MS);
      await api.sendChatAction(chatId, 'upload_video').catch(() => {});
    }
  }

  private async progress(chatId: number | string, generationId: string, text: string): Promise<void> {
    const api = this.d.api;
    await api.sendChatAction(chatId, 'upload_video').catch(() => {});
    const key = statusKey(chatId, generationId);
    const raw = await this.d.state.get(key);
    const status = raw ? (JSON.parse(raw) as { id: number; text: string }) : undefined;
    if (status) {
      const edited = await api.editMessageText(chatId, status.id, `${status.text}\n\n${text}`).then(() => true, (err) => {
        this.d.log.warn({ err: String(err) }, 'telegram status edit failed');
        return false;
      });
      if (edited) return;
    }
    const m = await api.sendMessage(chatId, text);
    await this.d.state.set(key, JSON.stringify({ id: m.message_id, text: '' }), STATUS_TTL_MS);
  }
}
