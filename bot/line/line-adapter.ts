// LINE transport: answers each event with its reply token (free, at once), shows the loading animation while a
// video is made, and pushes later messages (finished video) with X-Line-Retry-Key so a retried push is sent once.
// A push refused with 429 (monthly quota or rate) is kept in chat_outbox and goes out with the user's next reply.
// Personal answers to a group or room message (sign-in links, codes, points) are pushed to the user's one-to-one
// chat (the push `to` is their user id), and the group is told where to look.
// Sources: docs/outside-contracts.md §6; developers.line.biz reference (push, reply, loading animation, retry key).
import { HTTPFetchError, type messagingApi, type webhook } from '@line/bot-sdk';
import type { Reply, ReplyTarget } from '../../core/model.ts';
import type { SharedState } from '../../core/ports.ts';
import type { Translator } from '../../core/translator.ts';
import type { ChatCore } from '../../core/api.ts';
import { uuidFromKey } from './retry-key.ts';
import { respondOnce, type ResponseMemo } from '../inbox.ts';
import type { ChatOutbox } from '../outbox.ts';
import type { PlatformSender } from '../notifier-hub.ts';
import { fromLineEvent } from './inbound.ts';
import { linePhoto } from './photo.ts';
import { LINE_MAX_MESSAGES, renderLine } from './render.ts';
import { multicastInBatches } from './multicast.ts';

export interface LineAdapterDeps {
  client: messagingApi.MessagingApiClient;
  /** Message content (photos) from LINE_DATA_API_BASE; without it a photo is an unsupported message. */
  blob?: Pick<messagingApi.MessagingApiBlobClient, 'getMessageContent'>;
  core: ChatCore;
  t: Translator;
  store: ChatOutbox;
  state: SharedState;
  log: { warn(o: object, m: string): void; error(o: object, m: string): void };
}

const CHECK_VIDEO = { label: { key: 'bot.choice.check_video' }, command: '/status' };
const LANG_TTL_MS = 24 * 3600_000;
/** Loading animation while an answer is prepared (LINE: 5–60 s, a multiple of 5; ends early when we send a message). */
const EARLY_LOADING_S = 20;

export class LineAdapter implements PlatformSender {
  /** LINE sends a push whose X-Line-Retry-Key it accepted before once (409 here). */
  readonly dedupesByKey = true;
  constructor(private readonly d: LineAdapterDeps) {}

  /** One verified, deduplicated webhook event (memo: the inbox's saved answer, when it is re-handled). */
  async handleEvent(ev: webhook.Event, memo?: ResponseMemo): Promise<void> {
    const inbound = fromLineEvent(ev);
    if (!inbound) return;
    const { event, replyToken, oneOnOneUserId } = inbound;
    if (inbound.imageMessageId && this.d.blob) event.photo = linePhoto(this.d.blob, inbound.imageMessageId);
    // The animation is the first thing the user sees while the answer is worked out; a message from us ends it, so
    // it is requested (and answered) before the reply goes out, never after (it would then linger on a finished answer).
    const shown =
      oneOnOneUserId && event.kind === 'message' ? this.loading(oneOnOneUserId, EARLY_LOADING_S) : undefined;
    if (oneOnOneUserId) {
      const profile = await this.profile(oneOnOneUserId, event.kind === 'follow');
      event.platformLocale = profile.language;
      if (profile.name) event.displayName = profile.name; // named to the user's other chats when /link asks them
    }
    const res = await respondOnce(this.d.core, event, memo);
    const notice = res.direct?.length
      ? await this.sendPrivately(event.platformUserId, res.locale, res.direct, event.eventId)
      : [];
    const messages = renderLine(this.d.t, res.locale, [...res.replies, ...notice], res.pending ? [CHECK_VIDEO] : []);
    await shown;
    if (replyToken) {
      // Messages a push could not deliver (quota) ride along with this free reply, oldest first.
      const kept = await this.d.store.pending('line', event.chatId);
      const room = LINE_MAX_MESSAGES - messages.length;
      const taken: number[] = [];
      const carry: messagingApi.Message[] = [];
      for (const k of kept) {
        if (carry.length + k.messages.length > room) break;
        carry.push(...(k.messages as messagingApi.Message[]));
        taken.push(k.id);
      }
      const replied = await this.d.client.replyMessage({ replyToken, messages: [...carry, ...messages] }).then(
        () => true,
        (err) => {
          // 400: the reply token is used or expired (a re-handled event): the answer goes by push, keyed by the event.
          if (err instanceof HTTPFetchError && err.status === 400 && event.eventId) return false;
          throw err;
        },
      );
      if (replied) await this.d.store.delivered(taken);
      else await this.sendPush(event.chatId, messages, `event:${event.eventId}`);
    }
    if (res.pending && oneOnOneUserId) await this.loading(oneOnOneUserId);
  }

  /**
   * Pushes personal replies to the user's one-to-one chat; what the group then hears. LINE delivers a push only to
   * someone who has added the bot as a friend, so the notice also says how to become one.
   */
  private async sendPrivately(
    userId: string,
    locale: ReplyTarget['locale'],
    replies: Reply[],
    eventId: string,
  ): Promise<Reply[]> {
    const sent = await this.sendPush(userId, renderLine(this.d.t, locale, replies), `event:${eventId}:direct`).then(
      () => true,
      (err) => {
        if (err instanceof HTTPFetchError && err.status >= 400 && err.status < 500) return false;
        throw err;
      },
    );
    return [{ kind: 'text', message: { key: sent ? 'bot.private.sent_line' : 'bot.private.unreachable_line' } }];
  }

  async push(target: ReplyTarget, replies: Reply[], opts: { idempotencyKey?: string }): Promise<void> {
    // Progress is shown with the free loading animation, never with a (counted) push.
    if (replies.every((r) => r.kind === 'progress')) {
      if (target.chatId === target.platformUserId) await this.loading(target.chatId);
      return;
    }
    const messages = renderLine(
      this.d.t,
      target.locale,
      replies.filter((r) => r.kind !== 'progress'),
    );
    await this.sendPush(target.chatId, messages, opts.idempotencyKey ?? `push:${crypto.randomUUID()}`);
  }

  /** A broadcast: users' one-to-one chats by multicast, per language; groups and rooms by push. */
  async multicast(targets: ReplyTarget[], replies: Reply[], key: string): Promise<number> {
    let reached = 0;
    const byLocale = new Map<ReplyTarget['locale'], string[]>();
    for (const t of targets) {
      if (t.conversation !== 'group' && t.chatId === t.platformUserId)
        byLocale.set(t.locale, [...(byLocale.get(t.locale) ?? []), t.chatId]);
      else
        await this.push(t, replies, { idempotencyKey: `${key}:${t.chatId}` }).then(
          () => reached++,
          () => {},
        );
    }
    const keep = (userId: string, messages: messagingApi.Message[], k: string) =>
      this.d.store.keep('line', userId, messages, k);
    for (const [locale, ids] of byLocale) {
      reached += await multicastInBatches(
        { client: this.d.client, keep, log: this.d.log },
        ids,
        renderLine(this.d.t, locale, replies),
        `${key}:${locale}`,
      );
    }
    return reached;
  }

  private async sendPush(chatId: string, messages: messagingApi.Message[], key: string): Promise<void> {
    try {
      await this.d.client.pushMessage({ to: chatId, messages }, await uuidFromKey(key));
    } catch (err) {
      // 409: this retry key was already accepted, i.e. the message went out before.
      if (err instanceof HTTPFetchError && err.status === 409) return;
      if (err instanceof HTTPFetchError && err.status === 429) {
        this.d.log.warn({ chat: chatId }, 'LINE push refused (429): kept for the next reply');
        await this.d.store.keep('line', chatId, messages, key);
        return;
      }
      throw err;
    }
  }

  private async loading(userId: string, seconds = 60): Promise<void> {
    await this.d.client
      .showLoadingAnimation({ chatId: userId, loadingSeconds: seconds })
      .catch((err) => this.d.log.warn({ err: String(err) }, 'LINE loading animation failed'));
  }

  /** The profile's language and display name, cached for a day (one profile call per user and day, not per message). */
  private async profile(userId: string, fresh: boolean): Promise<{ language?: string; name?: string }> {
    const key = `line:profile:${userId}`;
    const cached = fresh ? null : await this.d.state.get(key);
    if (cached !== null) return JSON.parse(cached) as { language?: string; name?: string };
    const p = await this.d.client.getProfile(userId).then(
      (r) => ({ language: r.language, name: r.displayName }),
      () => ({}),
    );
    await this.d.state.set(key, JSON.stringify(p), LANG_TTL_MS);
    return p;
  }
}
