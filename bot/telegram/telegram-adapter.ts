// Telegram transport over grammY's Api (client.apiRoot = TELEGRAM_API_ROOT, flood control in flood-control.ts).
// While a video is made the chat shows an "uploading video" action and ONE status message per video
// (status-message.ts: keyed by generation, so two videos at once each have their own), edited in place with the
// queue position and progress; the finished video is sent by URL (or uploaded, or linked when too large). A pressed
// question's keyboard is retired (answered-keyboard.ts).
// Personal answers to a group message go to the user's private chat (its id is the user id); Telegram refuses that
// (403) until the user has started the bot, and then the group is told how to.
import { GrammyError, InputFile, type Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Reply, ReplyTarget } from '../../core/model.ts';
import type { SharedState } from '../../core/ports.ts';
import type { Translator } from '../../core/translator.ts';
import type { ChatCore } from '../../core/api.ts';
import { respondOnce, type ResponseMemo } from '../inbox.ts';
import type { PlatformSender } from '../notifier-hub.ts';
import { fromTelegramUpdate } from './inbound.ts';
import { renderTelegram, TG_UPLOAD_LIMIT, type TelegramSend } from './render.ts';
import { StatusMessages } from './status-message.ts';
import { retireKeyboard } from './answered-keyboard.ts';
import { telegramPhoto } from './photo.ts';

export interface TelegramAdapterDeps {
  api: Api;
  core: ChatCore;
  t: Translator;
  state: SharedState;
  log: { warn(o: object, m: string): void };
  /** The bot's @username (TELEGRAM_BOT_USERNAME): the group is pointed at t.me/<username> to start a private chat. */
  username?: string;
  /** {apiRoot}/file/bot<token>, where photos are downloaded; without it a photo is an unsupported message. */
  fileBase?: string;
}

const VIDEO_MSG_TTL_MS = 30 * 24 * 3600_000;

/** Our own media read for an upload, when Telegram could not fetch its URL (null: unreachable or too large). */
async function readOwn(url: string): Promise<Buffer | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) return null;
    const buf = Buffer.from(await res.arrayBuffer());
    return buf.length <= TG_UPLOAD_LIMIT ? buf : null;
  } catch {
    return null;
  }
}

export class TelegramAdapter implements PlatformSender {
  private readonly status: StatusMessages;
  constructor(private readonly d: TelegramAdapterDeps) {
    this.status = new StatusMessages(d.api, d.state, d.log);
  }

  async handleUpdate(update: Update, memo?: ResponseMemo): Promise<void> {
    const inbound = fromTelegramUpdate(update);
    if (!inbound) return;
    const { event, chatId } = inbound;
    if (inbound.image && this.d.fileBase) event.photo = telegramPhoto(this.d.api, this.d.fileBase, inbound.image);
    else if (inbound.image) event.kind = 'unsupported'; // its caption is no text prompt
    if (inbound.callbackQueryId) {
      await Promise.all([
        this.d.api.answerCallbackQuery(inbound.callbackQueryId).catch(() => {}),
        inbound.pressed ? retireKeyboard(this.d.api, chatId, inbound.pressed) : undefined,
      ]);
    }
    if (inbound.replyToMessageId) {
      const gen = await this.d.state.get(`tg:video:${chatId}:${inbound.replyToMessageId}`);
      if (gen) event.repliedGenerationId = gen;
    }
    const res = await respondOnce(this.d.core, event, memo);
    const notice = res.direct?.length ? await this.sendPrivately(event.platformUserId, res.locale, res.direct) : [];
    await this.deliver(
      chatId,
      renderTelegram(this.d.t, res.locale, [...res.replies, ...notice]),
      res.pending ? { generationId: res.generationId } : undefined,
    );
  }

  /** Sends personal replies to the user's private chat; what the group then hears. */
  private async sendPrivately(userId: string, locale: ReplyTarget['locale'], replies: Reply[]): Promise<Reply[]> {
    const sent = await this.deliver(userId, renderTelegram(this.d.t, locale, replies)).then(
      () => true,
      (err) => {
        // 403: the user never started the bot (or blocked it); 400: no such private chat.
        if (err instanceof GrammyError && (err.error_code === 403 || err.error_code === 400)) return false;
        throw err;
      },
    );
    if (sent) return [{ kind: 'text', message: { key: 'bot.private.sent' } }];
    const url = this.d.username ? `https://t.me/${this.d.username}` : undefined;
    return [
      {
        kind: 'text',
        message: url
          ? { key: 'bot.private.unreachable_telegram', params: { url } }
          : { key: 'bot.private.unreachable' },
      },
    ];
  }

  async push(target: ReplyTarget, replies: Reply[]): Promise<void> {
    await this.deliver(target.chatId, renderTelegram(this.d.t, target.locale, replies));
  }

  private async deliver(
    chatId: number | string,
    sends: TelegramSend[],
    pending?: { generationId?: string },
  ): Promise<void> {
    const api = this.d.api;
    let lastText: { id: number; text: string } | undefined;
    for (const s of sends) {
      if (s.method === 'text') {
        const m = await api.sendMessage(chatId, s.text, s.markup ? { reply_markup: s.markup } : {});
        lastText = { id: m.message_id, text: s.text };
      } else if (s.method === 'video') {
        const own = s.fetch ? await readOwn(s.fetch) : undefined;
        if (own === null) {
          // Neither Telegram nor this process can fetch the file: the link, as for a file too large to send.
          const text = s.fallback ?? s.caption;
          const m = await api.sendMessage(chatId, text, s.markup ? { reply_markup: s.markup } : {});
          lastText = { id: m.message_id, text };
        } else {
          const video = own
            ? new InputFile(own, `vidgo-${s.generationId.slice(0, 8)}.mp4`)
            : s.file
              ? new InputFile(s.file)
              : s.url!;
          const m = await api.sendVideo(chatId, video, {
            caption: s.caption,
            supports_streaming: true,
            ...(s.markup ? { reply_markup: s.markup } : {}),
          });
          await this.d.state.set(`tg:video:${chatId}:${m.message_id}`, s.generationId, VIDEO_MSG_TTL_MS);
        }
        await this.status.finish(chatId, s.generationId);
      } else {
        await this.progress(chatId, s.generationId, s.text);
      }
    }
    if (pending) {
      // The "queued" answer becomes the status message this video's progress edits.
      if (lastText && pending.generationId) await this.status.adopt(chatId, pending.generationId, lastText);
      await api.sendChatAction(chatId, 'upload_video').catch(() => {});
    }
  }

  private async progress(chatId: number | string, generationId: string, text: string): Promise<void> {
    await this.d.api.sendChatAction(chatId, 'upload_video').catch(() => {});
    await this.status.progress(chatId, generationId, text);
  }
}
