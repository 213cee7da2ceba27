// The outside world of bench/e2e.ts, in a process of its own: LINE's Messaging API (reply, push with
// X-Line-Retry-Key, loading animation, profile) and Leonardo (tests/fakes/leonardo.ts) whose jobs end a fixed time
// after submit and call back as a Leonardo key with a webhook does. It records when each user first saw something,
// when each video push was accepted, and each provider job's submit and end; GET /bench/stats hands them over.
// Input: one JSON argument { lineToken, leonardoKey, webhookKey, publicBase, instances: [url…], doneAfterMs, clip }.
// Output: one JSON line { line, leonardo } (their base URLs) once listening.
import http from 'node:http';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { startLeonardoFake } from '../tests/fakes/leonardo.ts';

const o = JSON.parse(process.argv[2]!) as {
  lineToken: string;
  leonardoKey: string;
  webhookKey: string;
  publicBase: string;
  instances: string[];
  doneAfterMs: number;
  clip: string;
};

interface UserSeen {
  firstVisibleAt?: number;
  how?: string;
  videos: { at: number; key?: string; url: string }[];
  refusedPushes: number;
}
const users = new Map<string, UserSeen>();
const seen = (id: string) => users.get(id) ?? (users.set(id, { videos: [], refusedPushes: 0 }), users.get(id)!);
const visible = (id: string, how: string) => {
  const u = seen(id);
  if (u.firstVisibleAt === undefined) {
    u.firstVisibleAt = Date.now();
    u.how = how;
  }
};
const acceptedKeys = new Set<string>();
let msgId = 0;

// A callback lands on the instances in turn, as behind a load balancer.
let turn = 0;
const reach = (url: string) => url.replace(o.publicBase, o.instances[turn++ % o.instances.length]!);
const leonardo = await startLeonardoFake(o.leonardoKey, {
  webhook: { url: `${o.publicBase}/callbacks/leonardo`, apiKey: o.webhookKey },
  reach,
});
leonardo.files.set('result.mp4', await fs.readFile(o.clip));
leonardo.plan({ doneAfterMs: o.doneAfterMs, outcome: 'succeeded' });
// The fake keeps every request it got; the bench reads only the jobs.
leonardo.requests.length = 0;
setInterval(() => {
  leonardo.requests.length = 0;
}, 1_000).unref();

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const line = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/bench/stats') {
      const jobs = [...leonardo.jobs.values()].map((j) => ({
        prompt: (j.submitted as { prompt?: string } | undefined)?.prompt,
        submittedAt: j.submittedAt,
        doneAt: j.doneAt,
        polls: j.polls,
      }));
      return json(res, 200, {
        users: Object.fromEntries(users),
        jobs,
        callbacks: leonardo.callbacks.map((c) => c.status),
      });
    }
    if (req.headers.authorization !== `Bearer ${o.lineToken}`)
      return json(res, 401, { message: 'Authentication failed' });
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const ids = () => ({
      sentMessages: (body.messages ?? []).map(() => ({ id: String(++msgId), quoteToken: `q${msgId}` })),
    });
    if (req.method === 'POST' && url.pathname === '/v2/bot/message/reply') {
      // The load generator's reply tokens are "rt-<userId>".
      visible(String(body.replyToken).replace(/^rt-/, ''), 'reply');
      return json(res, 200, ids());
    }
    if (req.method === 'POST' && url.pathname === '/v2/bot/chat/loading/start') {
      visible(String(body.chatId), 'loading');
      return json(res, 202, {});
    }
    if (req.method === 'POST' && url.pathname === '/v2/bot/message/push') {
      const key = req.headers['x-line-retry-key'] as string | undefined;
      const u = seen(String(body.to));
      // LINE accepts a retry key once; a resend with it is answered 409 and not shown again.
      if (key && acceptedKeys.has(key)) {
        u.refusedPushes++;
        return json(res, 409, { message: 'The retry key is already accepted', ...ids() });
      }
      if (key) acceptedKeys.add(key);
      visible(String(body.to), 'push');
      for (const m of body.messages ?? [])
        if (m.type === 'video') u.videos.push({ at: Date.now(), key, url: m.originalContentUrl });
      return json(res, 200, ids());
    }
    if (req.method === 'GET' && url.pathname.startsWith('/v2/bot/profile/'))
      return json(res, 200, { displayName: 'Bench', language: 'en' });
    return json(res, 200, {});
  });
});
await new Promise<void>((r) => line.listen(0, '127.0.0.1', r));
process.stdout.write(
  `${JSON.stringify({ line: `http://127.0.0.1:${(line.address() as AddressInfo).port}`, leonardo: leonardo.url })}\n`,
);
process.on('SIGTERM', () => process.exit(0));
