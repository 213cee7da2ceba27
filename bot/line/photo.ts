// A photo sent on LINE: an image message whose content LINE keeps (contentProvider "line") is downloaded from the
// Messaging API content endpoint, GET {LINE_DATA_API_BASE}/v2/bot/message/{messageId}/content (api-data.line.me,
// through @line/bot-sdk's MessagingApiBlobClient). Images sent by URL (contentProvider "external") are not fetched.
import type { messagingApi, webhook } from '@line/bot-sdk';
import type { InboundPhoto } from '../../core/model.ts';
import { readLimited } from '../read-limited.ts';

/** The message id of an image LINE holds the content of, else undefined. */
export function lineImageId(m: webhook.MessageContent): string | undefined {
  if (m.type !== 'image') return undefined;
  const provider = (m as webhook.ImageMessageContent).contentProvider?.type;
  return provider === undefined || provider === 'line' ? m.id : undefined;
}

export function linePhoto(
  blob: Pick<messagingApi.MessagingApiBlobClient, 'getMessageContent'>,
  messageId: string,
): InboundPhoto {
  return { read: async (maxBytes) => readLimited(await blob.getMessageContent(messageId), maxBytes) };
}
