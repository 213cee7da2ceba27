// The load generator of bench/webhook.ts and bench/e2e.ts, in its own process so its CPU is not the server's:
// autocannon against one URL, either closed loop (N connections, as fast as answered) or at a fixed overall rate.
// "line" requests are LINE webhook deliveries, each with its own event id and x-line-signature (HMAC-SHA256 of the
// body with the channel secret, base64), signed here: signing is LINE's cost, not ours.
// Input: one JSON argument { url, kind: 'line'|'bare', mode: 'closed'|'rate', connections, seconds, rate?, secret?,
// users? }. Output: one JSON line { rps, p50, p99, total, non2xx, errors }.
import crypto from 'node:crypto';
import autocannon from 'autocannon';

const o = JSON.parse(process.argv[2]);
let seq = 0;
const tag = crypto.randomBytes(4).toString('hex');

function lineBody() {
  const n = ++seq;
  const body = JSON.stringify({
    destination: 'Ubench',
    events: [
      {
        type: 'message',
        mode: 'active',
        timestamp: Date.now(),
        source: { type: 'user', userId: `U${tag}${n % (o.users ?? 1000)}` },
        webhookEventId: `01BENCH${tag}${n}`,
        deliveryContext: { isRedelivery: false },
        replyToken: `rt${tag}${n}`,
        message: { id: String(n), type: 'text', quoteToken: 'q', text: 'a cat surfing at sunset' },
      },
    ],
  });
  const sig = crypto.createHmac('sha256', o.secret).update(body).digest('base64');
  return { body, headers: { 'content-type': 'application/json', 'x-line-signature': sig } };
}

const request =
  o.kind === 'line'
    ? { method: 'POST', setupRequest: (req) => ({ ...req, ...lineBody() }) }
    : { method: 'POST', body: '{"events":[]}', headers: { 'content-type': 'application/json' } };

const result = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.seconds,
  ...(o.mode === 'rate' ? { overallRate: o.rate } : {}),
  requests: [request],
});
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.total / o.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  })}\n`,
);
