// The LINE Platform's side of webhooks: events signed with the channel secret (x-line-signature, HMAC-SHA256 of
// the body, base64) posted to the bot's webhook URL. With redelivery on, LINE sends an event again when the bot
// did not answer it with 2xx (an error status, no connection, or no answer within its timeout), with the same
// webhookEventId and deliveryContext.isRedelivery = true (developers.line.biz, Messaging API > Receive
// webhooks > Redeliver webhooks). The gaps between attempts are LINE's own; here they double from retryMs.
import crypto from 'node:crypto';

export interface LineDelivery {
  eventId: string;
  replyToken: string;
  attempts: number;
  answered: boolean;
}

export function lineWebhookSender(o: {
  secret: string;
  url: string;
  timeoutMs?: number;
  retryMs?: number;
  maxAttempts?: number;
}) {
  const timeoutMs = o.timeoutMs ?? 2_000;
  const retryMs = o.retryMs ?? 1_000;
  const maxAttempts = o.maxAttempts ?? 12;
  let seq = 0;
  const log: { eventId: string; attempt: number; status: number | string }[] = [];

  async function post(event: Record<string, unknown>): Promise<number | string> {
    const body = JSON.stringify({ destination: 'Ubot', events: [event] });
    const signature = crypto.createHmac('sha256', o.secret).update(body).digest('base64');
    try {
      const res = await fetch(o.url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-line-signature': signature },
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => {});
      return res.status;
    } catch (err) {
      return (err as Error).name === 'TimeoutError' ? 'timeout' : 'no connection';
    }
  }

  /** Sends one event and redelivers it until it is answered 2xx; resolves with how it went. */
  async function deliver(
    make: (redelivery: boolean) => Record<string, unknown>,
    eventId: string,
    replyToken: string,
  ): Promise<LineDelivery> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const status = await post(make(attempt > 1));
      log.push({ eventId, attempt, status });
      if (typeof status === 'number' && status >= 200 && status < 300)
        return { eventId, replyToken, attempts: attempt, answered: true };
      await new Promise((r) => setTimeout(r, Math.min(retryMs * 2 ** (attempt - 1), 15_000)));
    }
    return { eventId, replyToken, attempts: maxAttempts, answered: false };
  }

  function ids() {
    const n = ++seq;
    const eventId = `01CHAOS${crypto.randomBytes(6).toString('hex').toUpperCase()}${String(n).padStart(8, '0')}`;
    return { n, eventId, replyToken: `rt-${crypto.randomBytes(6).toString('hex')}-${n}` };
  }
  const common = (eventId: string, userId: string, redelivery: boolean) => ({
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    webhookEventId: eventId,
    deliveryContext: { isRedelivery: redelivery },
  });

  return {
    log,
    /** A text message from a user (1:1 chat). */
    says(userId: string, text: string): Promise<LineDelivery> {
      const { n, eventId, replyToken } = ids();
      return deliver(
        (re) => ({
          ...common(eventId, userId, re),
          type: 'message',
          replyToken,
          message: { id: String(9000 + n), type: 'text', quoteToken: `q${n}`, text },
        }),
        eventId,
        replyToken,
      );
    },
    /** The user added the bot as a friend. */
    follows(userId: string): Promise<LineDelivery> {
      const { eventId, replyToken } = ids();
      return deliver(
        (re) => ({ ...common(eventId, userId, re), type: 'follow', replyToken, follow: { isUnblocked: false } }),
        eventId,
        replyToken,
      );
    },
  };
}
