// One message to many LINE users: multicast takes at most 500 user ids a call (user ids only, no groups or rooms),
// each call keyed with its own X-Line-Retry-Key derived from the broadcast's key and the batch, so a repeated
// broadcast is answered 409 (already accepted) instead of sent twice. Ids are sorted so the batches come out the
// same each time. A batch refused with 429 (monthly quota or rate) is kept per user for their next reply.
// Source: developers.line.biz/en/reference/messaging-api/#send-multicast-message (docs/platforms.md).
import { HTTPFetchError, type messagingApi } from '@line/bot-sdk';
import { uuidFromKey } from './retry-key.ts';

export const MULTICAST_MAX = 500;

export interface MulticastDeps {
  client: Pick<messagingApi.MessagingApiClient, 'multicast'>;
  /** Keeps messages for a user's next reply (chat_outbox). */
  keep(userId: string, messages: messagingApi.Message[], key: string): Promise<void>;
  log: { warn(o: object, m: string): void };
}

/** How many users the batches reached (accepted now, or accepted before under the same key). */
export async function multicastInBatches(
  d: MulticastDeps,
  userIds: string[],
  messages: messagingApi.Message[],
  key: string,
): Promise<number> {
  const ids = [...new Set(userIds)].sort();
  let reached = 0;
  for (let i = 0; i < ids.length; i += MULTICAST_MAX) {
    const batch = ids.slice(i, i + MULTICAST_MAX);
    const batchKey = `${key}:${i / MULTICAST_MAX}`;
    try {
      await d.client.multicast({ to: batch, messages }, await uuidFromKey(batchKey));
      reached += batch.length;
    } catch (err) {
      if (err instanceof HTTPFetchError && err.status === 409) {
        reached += batch.length;
      } else if (err instanceof HTTPFetchError && err.status === 429) {
        d.log.warn({ users: batch.length }, "LINE multicast refused (429): kept for each user's next reply");
        for (const u of batch) await d.keep(u, messages, `${batchKey}:${u}`);
      } else {
        d.log.warn({ users: batch.length, err: String(err) }, 'LINE multicast batch failed');
      }
    }
  }
  return reached;
}
