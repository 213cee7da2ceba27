// LINE webhook event → ChatEvent. Event shapes: @line/bot-sdk lib/webhook/model (see docs/outside-contracts.md §6).
import type { webhook } from '@line/bot-sdk';
import type { ChatEvent } from '../../core/model.ts';
import { lineImageId } from './photo.ts';

/** The inbox source of LINE's events; webhookEventId is their idempotency key. */
export const LINE_SOURCE = 'line';

export interface LineInbound {
  event: ChatEvent;
  replyToken?: string;
  /** The user id when the chat is one-on-one (loading animation and profile only work there). */
  oneOnOneUserId?: string;
  /** An image message whose content LINE keeps (bot/line/photo.ts fetches it). */
  imageMessageId?: string;
}

export function fromLineEvent(ev: webhook.Event): LineInbound | null {
  const src = ev.source;
  const userId = src && 'userId' in src ? src.userId : undefined;
  if (!src || !userId) return null;
  const chatId = src.type === 'group' ? src.groupId : src.type === 'room' ? src.roomId : userId;
  const base = {
    platform: 'line' as const,
    eventId: ev.webhookEventId,
    platformUserId: userId,
    chatId,
    conversation: src.type === 'user' ? ('direct' as const) : ('group' as const),
  };
  const replyToken = 'replyToken' in ev ? ev.replyToken : undefined;
  const oneOnOneUserId = src.type === 'user' ? userId : undefined;
  switch (ev.type) {
    case 'follow':
      return { event: { ...base, kind: 'follow' }, replyToken, oneOnOneUserId };
    case 'postback': // quick-reply buttons carry the command as postback data
      return {
        event: { ...base, kind: 'message', text: (ev as webhook.PostbackEvent).postback.data },
        replyToken,
        oneOnOneUserId,
      };
    case 'message': {
      const m = (ev as webhook.MessageEvent).message;
      if (m.type === 'text') {
        const quoted = (m as webhook.TextMessageContent).quotedMessageId;
        return {
          event: {
            ...base,
            kind: 'message',
            text: (m as webhook.TextMessageContent).text,
            ...(quoted ? { replyHandle: { quotedMessageId: quoted } } : {}),
          },
          replyToken,
          oneOnOneUserId,
        };
      }
      const imageMessageId = lineImageId(m);
      if (imageMessageId) return { event: { ...base, kind: 'message' }, replyToken, oneOnOneUserId, imageMessageId };
      return { event: { ...base, kind: 'unsupported' }, replyToken, oneOnOneUserId };
    }
    default:
      return null; // unfollow, join, read receipts …: nothing to answer
  }
}
