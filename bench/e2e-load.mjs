// The load generator of bench/e2e.ts, in its own process: one signed LINE webhook delivery per user, all sent at
// once (a burst), spread over the instances in turn as a load balancer would. Each event asks for a video.
// Input: one JSON argument { urls: [webhook URL…], secret, users: [LINE user id…] }.
// Output: one JSON line { sent: [{ userId, sentAt, ackMs, status }] }.
import crypto from 'node:crypto';

const o = JSON.parse(process.argv[2]);
const bodies = o.users.map((userId, i) => {
  const body = JSON.stringify({
    destination: 'Ubench',
    events: [
      {
        type: 'message',
        mode: 'active',
        timestamp: Date.now(),
        source: { type: 'user', userId },
        webhookEventId: `01E2E${crypto.randomBytes(6).toString('hex')}${i}`,
        deliveryContext: { isRedelivery: false },
        replyToken: `rt-${userId}`,
        message: {
          id: `m${i}`,
          type: 'text',
          quoteToken: 'q',
          text: `/video a paper boat sailing on a lake, take ${i}`,
        },
      },
    ],
  });
  return { userId, body, signature: crypto.createHmac('sha256', o.secret).update(body).digest('base64') };
});
const sent = await Promise.all(
  bodies.map(async (b, i) => {
    const sentAt = Date.now();
    const t = performance.now();
    try {
      const res = await fetch(o.urls[i % o.urls.length], {
        method: 'POST',
        body: b.body,
        headers: { 'content-type': 'application/json', 'x-line-signature': b.signature },
      });
      await res.arrayBuffer();
      return { userId: b.userId, sentAt, ackMs: performance.now() - t, status: res.status };
    } catch (err) {
      return { userId: b.userId, sentAt, ackMs: performance.now() - t, status: String(err) };
    }
  }),
);
process.stdout.write(`${JSON.stringify({ sent })}\n`);
