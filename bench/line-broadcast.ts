// /admin broadcast on LINE: the same message to N users as one push per user (the baseline: what broadcasts did
// before) and as multicast batches of 500 (bot/line/multicast.ts), through the real LINE SDK client against the fake
// LINE API (tests/fakes/line.ts, which checks every message like LINE does), in one run. Prints API calls and time.
//
//   npx tsx bench/line-broadcast.ts          (npm run bench:line-broadcast)
//
// BENCH_USERS (default 1200).
import crypto from 'node:crypto';
import { messagingApi } from '@line/bot-sdk';
import { LineAdapter } from '../bot/line/line-adapter.ts';
import { createTranslator } from '../infra/i18n.ts';
import type { SqlChatStore } from '../infra/db/chat-store.ts';
import type { ReplyTarget, Reply } from '../core/model.ts';
import { startFakeLine } from '../tests/fakes/line.ts';

const USERS = Number(process.env.BENCH_USERS ?? 1200);
const TOKEN = 'bench-line-token';

const line = await startFakeLine({ accessToken: TOKEN });
const client = new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: line.url });
const t = await createTranslator('en');
const quiet = { warn() {}, error() {} };
// The chat store is only used when LINE answers 429 (quota), which this run never provokes.
const adapter = new LineAdapter({
  client,
  core: {
    respond: async () => {
      throw new Error('not used');
    },
  },
  t,
  store: {} as SqlChatStore,
  state: undefined as never,
  log: quiet,
});

const targets = (run: string): ReplyTarget[] =>
  Array.from({ length: USERS }, (_, n) => {
    const id = `U${crypto.createHash('md5').update(`${run}-${n}`).digest('hex')}`;
    return { platform: 'line', chatId: id, platformUserId: id, locale: 'en' };
  });
const message: Reply[] = [
  { kind: 'text', message: { key: 'bot.broadcast', params: { text: 'Maintenance tonight 02:00–03:00 UTC' } } },
];

async function measure(name: string, send: (ts: ReplyTarget[]) => Promise<number>) {
  const before = line.requests.length;
  const start = process.hrtime.bigint();
  const reached = await send(targets(name));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { name, reached, calls: line.requests.length - before, ms };
}

const baseline = await measure('push per user', async (ts) => {
  let n = 0;
  for (const x of ts) await adapter.push(x, message, { idempotencyKey: `bench:${x.chatId}` }).then(() => n++);
  return n;
});
const multicast = await measure('multicast', (ts) => adapter.multicast(ts, message, 'bench:multicast'));
await line.close();

console.log(`LINE broadcast to ${USERS} users (fake LINE API on 127.0.0.1, same run)`);
for (const r of [baseline, multicast]) {
  console.log(
    `  ${r.name.padEnd(14)} reached ${String(r.reached).padStart(5)}  API calls ${String(r.calls).padStart(5)}  ${r.ms.toFixed(0).padStart(6)} ms`,
  );
}
console.log(
  `  multicast: ${(baseline.calls / multicast.calls).toFixed(0)}× fewer calls, ${(baseline.ms / multicast.ms).toFixed(1)}× faster`,
);
