// POST /webhooks/line (signature check over the raw body, JSON, the inbox INSERT into processed_events on the
// real PostgreSQL, committed with the WAL flush and shared by the requests that arrive together (bot/inbox-batch.ts;
// BENCH_INBOX_BATCH=off for one statement per event), enqueue of the after-answer work) against a bare hapi route on
// the same server, in one run. The event handler itself is a no-op here (the inbox still marks each event done
// after the answer, as in production): it runs after the answer and is not what LINE waits for. Verified
// requests no longer touch the per-IP limiter (only failed verifications do). Load comes from this process (keep-alive fetch to 127.0.0.1 only).
//
//   npx tsx bench/webhook.ts          (npm run bench:webhook)
//
// BENCH_DATABASE_URL: admin connection (default postgres://postgres@127.0.0.1:5432/postgres); a fresh database is
// created and dropped. BENCH_SECONDS (default 8) per closed-loop measurement, BENCH_CLIENTS (default 32),
// BENCH_RATE (default 500 requests/s) and BENCH_RATE_SECONDS (default 8) for the fixed-rate latency run.
// BENCH_SYNC_COMMIT=off runs the bench database with synchronous_commit off (to see what the inbox's flush costs).
import crypto from 'node:crypto';
import os from 'node:os';
import { createSequelize } from '../infra/db/sequelize.ts';
import { migrateUp } from '../infra/db/migrate.ts';
import { SqlChatStore } from '../infra/db/chat-store.ts';
import { createServer } from '../web/server.ts';
import { createLogger } from '../app/logger.ts';
import { Background } from '../bot/background.ts';
import { createRateLimits } from '../bot/rate-limit.ts';
import { lineWebhookRoute } from '../web/routes/webhooks/line.ts';
import type { LineAdapter } from '../bot/line/line-adapter.ts';
import type { InboxStore } from '../bot/inbox.ts';
import { ADMIN_URL, admin, percentile } from './support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 8);
const SECRET = 'bench-channel-secret';
const BATCH = process.env.BENCH_INBOX_BATCH !== 'off';



let seq = 0;
function lineRequest(): { body: string; headers: Record<string, string> } {
  const n = ++seq;
  const body = JSON.stringify({ destination: 'Ubench', events: [{
    type: 'message', mode: 'active', timestamp: Date.now(), source: { type: 'user', userId: `U${n % 1000}` },
    webhookEventId: `01BENCH${crypto.randomBytes(8).toString('hex')}${n}`, deliveryContext: { isRedelivery: false },
    replyToken: `rt${n}`, message: { id: String(n), type: 'text', quoteToken: 'q', text: 'a cat surfing at sunset' },
  }] });
  const sig = crypto.createHmac('sha256', SECRET).update(body).digest('base64');
  return { body, headers: { 'content-type': 'application/json', 'x-line-signature': sig } };
}
const bareRequest = () => ({ body: '{"events":[]}', headers: { 'content-type': 'application/json' } });

type Make = () => { body: string; headers: Record<string, string> };
interface Result { rps: number; p50: number; p99: number; errors: number }

/** Rounds alternate between the routes so drift in machine load (shared host) hits both alike. */
async function interleaved(rounds: number, a: () => Promise<Sample>, b: () => Promise<Sample>): Promise<[Result, Result]> {
  const sa: Sample[] = [];
  const sb: Sample[] = [];
  for (let i = 0; i < rounds; i++) {
    sa.push(await a());
    sb.push(await b());
  }
  const merge = (xs: Sample[]): Result => {
    const lat = xs.flatMap((x) => x.lat);
    return { rps: lat.length / xs.reduce((s, x) => s + x.secs, 0), p50: percentile(lat, 50), p99: percentile(lat, 99), errors: xs.reduce((s, x) => s + x.errors, 0) };
  };
  return [merge(sa), merge(sb)];
}
interface Sample { lat: number[]; secs: number; errors: number }

async function closedLoop(url: string, make: Make, seconds: number): Promise<Sample> {
  const lat: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (Date.now() < end) {
      const r = make();
      const s = performance.now();
      const res = await fetch(url, { method: 'POST', body: r.body, headers: r.headers });
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
      lat.push(performance.now() - s);
    }
  }));
  return { lat, secs: (performance.now() - t0) / 1000, errors };
}

async function fixedRate(url: string, make: Make, seconds: number): Promise<Sample> {
  const lat: number[] = [];
  const inflight: Promise<void>[] = [];
  let errors = 0;
  const total = RATE * seconds;
  const reqs = Array.from({ length: total }, make); // prepared up front: signing is the sender's cost, not ours
  const t0 = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE));
    for (; sent < due; sent++) {
      const r = reqs[sent]!;
      const s = performance.now();
      inflight.push(fetch(url, { method: 'POST', body: r.body, headers: r.headers }).then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
        lat.push(performance.now() - s);
      }));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  return { lat, secs: (performance.now() - t0) / 1000, errors };
}

const name = `vidgo_bench_wh_${crypto.randomBytes(4).toString('hex')}`;
await admin(`CREATE DATABASE ${name}`);
if (process.env.BENCH_SYNC_COMMIT === 'off') await admin(`ALTER DATABASE ${name} SET synchronous_commit = off`);
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${name}`;
const sequelize = createSequelize(dbUrl.toString(), { poolMax: 20 });
try {
  await migrateUp(sequelize, dbUrl.toString());
  const log = createLogger('silent', false);
  const server = await createServer({ port: 0, host: '127.0.0.1', log, corsOrigins: [] });
  server.events.removeAllListeners?.('response'); // request logging is off in this bench (level silent anyway)
  const background = new Background(log);
  const limits = createRateLimits({ chatPerMinute: 1e9, ipPerMinute: 1e9 });
  const adapter = { handleEvent: async () => {} } as unknown as LineAdapter;
  const store = new SqlChatStore(sequelize);
  // BENCH_INBOX_BATCH=off: a store without acceptMany/finishMany, so the route keeps one statement per event.
  const dedupe: InboxStore = BATCH ? store : {
    accept: (...a) => store.accept(...a), finish: (...a) => store.finish(...a), attemptFailed: (...a) => store.attemptFailed(...a),
    claimStale: (...a) => store.claimStale(...a), savedResponse: (...a) => store.savedResponse(...a), saveResponse: (...a) => store.saveResponse(...a),
  };
  lineWebhookRoute(server, { dedupe, ipLimiter: limits.ip, background, channelSecret: SECRET, adapter });
  server.route({ method: 'POST', path: '/bench/bare', options: { auth: false }, handler: () => ({}) });
  await server.start();
  const base = `http://127.0.0.1:${server.info.port}`;

  const bareUrl = `${base}/bench/bare`;
  const lineUrl = `${base}/webhooks/line`;
  // Warm-up (JIT, pool connections).
  await closedLoop(bareUrl, bareRequest, 1);
  await closedLoop(lineUrl, lineRequest, 1);
  const R = 4;
  const [bare, line] = await interleaved(R, () => closedLoop(bareUrl, bareRequest, SECONDS / R), () => closedLoop(lineUrl, lineRequest, SECONDS / R));
  const [bareRate, lineRate] = await interleaved(2, () => fixedRate(bareUrl, bareRequest, RATE_SECONDS / 2), () => fixedRate(lineUrl, lineRequest, RATE_SECONDS / 2));
  await background.idle();
  const f = (x: number) => x.toFixed(1);
  console.log(`synchronous_commit for the inbox insert: ${process.env.BENCH_SYNC_COMMIT === 'off' ? 'off (comparison run)' : 'on (as deployed)'}`);
  console.log(`inbox accepts and 'done' marks: ${BATCH ? 'coalesced across concurrent requests (as deployed)' : 'one statement per event (BENCH_INBOX_BATCH=off comparison run)'}`);
  console.log(`host: ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (shared machine)`);
  console.log(`closed loop, ${CLIENTS} clients, ${SECONDS}s per route in ${R} alternating rounds (same server, same process):`);
  console.log(`  bare hapi route     ${f(bare.rps).padStart(8)} req/s   p50 ${f(bare.p50)} ms   p99 ${f(bare.p99)} ms   errors ${bare.errors}`);
  console.log(`  POST /webhooks/line ${f(line.rps).padStart(8)} req/s   p50 ${f(line.p50)} ms   p99 ${f(line.p99)} ms   errors ${line.errors}`);
  console.log(`  ratio line / bare   ${(line.rps / bare.rps).toFixed(2)}   (target ≥ 0.5)`);
  console.log(`fixed rate ${RATE} req/s, ${RATE_SECONDS}s per route in 2 alternating rounds:`);
  console.log(`  bare hapi route     achieved ${f(bareRate.rps)} req/s   p50 ${f(bareRate.p50)} ms   p99 ${f(bareRate.p99)} ms   errors ${bareRate.errors}`);
  console.log(`  POST /webhooks/line achieved ${f(lineRate.rps)} req/s   p50 ${f(lineRate.p50)} ms   p99 ${f(lineRate.p99)} ms   errors ${lineRate.errors}   (target p99 < 50 ms)`);
  await server.stop();
} finally {
  await sequelize.close();
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
