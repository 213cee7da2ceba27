// POST /webhooks/line (signature check over the raw body, JSON, the inbox INSERT into processed_events on the
// real PostgreSQL, committed with the WAL flush and shared by the requests that arrive together (bot/inbox-batch.ts;
// BENCH_INBOX_BATCH=off for one statement per event), enqueue of the after-answer work) against a bare hapi route on
// the same server, in one run. The event handler itself is a no-op here (the inbox still marks each event done
// after the answer, as in production): it runs after the answer and is not what LINE waits for. Verified
// requests no longer touch the per-IP limiter (only failed verifications do). The load comes from another process
// (bench/load-line.mjs, autocannon over keep-alive connections to 127.0.0.1), so the server's CPU is its own.
//
//   npx tsx bench/webhook.ts          (npm run bench:webhook)
//
// BENCH_DATABASE_URL: admin connection (default postgres://postgres@127.0.0.1:5432/postgres); a fresh database is
// created and dropped. BENCH_SECONDS (default 8) per closed-loop measurement, BENCH_CLIENTS (default 32),
// BENCH_RATE (default 1000 requests/s) and BENCH_RATE_SECONDS (default 8) for the fixed-rate latency run.
// BENCH_SYNC_COMMIT=off runs the bench database with synchronous_commit off (to see what the inbox's flush costs).
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { createSequelize } from '../infra/db/sequelize.ts';
import { migrateUp } from '../infra/db/migrate.ts';
import { SqlChatStore } from '../infra/db/chat-store.ts';
import { createServer } from '../web/server.ts';
import { createLogger } from '../app/logger.ts';
import { Background } from '../bot/background.ts';
import { createRateLimits } from '../infra/state/rate-limiter.ts';
import { lineWebhookRoute } from '../bot/line/webhook-route.ts';
import type { InboxStore } from '../bot/inbox.ts';
import { ADMIN_URL, admin } from './support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 8);
const SECRET = 'bench-channel-secret';
const BATCH = process.env.BENCH_INBOX_BATCH !== 'off';

type Kind = 'line' | 'bare';
interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}
interface Sample extends Result {
  total: number;
}

/** One autocannon run in its own process (bench/load-line.mjs). */
function load(url: string, kind: Kind, mode: 'closed' | 'rate', seconds: number): Promise<Sample> {
  const args = JSON.stringify({
    url,
    kind,
    mode,
    seconds,
    connections: mode === 'rate' ? Math.max(CLIENTS, 64) : CLIENTS,
    rate: RATE,
    secret: SECRET,
  });
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [fileURLToPath(new URL('./load-line.mjs', import.meta.url)), args],
      { maxBuffer: 1 << 20 },
      (err, stdout) => {
        if (err) return reject(err);
        const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
          rps: number;
          p50: number;
          p99: number;
          total: number;
          non2xx: number;
          errors: number;
        };
        resolve({ rps: r.rps, p50: r.p50, p99: r.p99, total: r.total, errors: r.non2xx + r.errors });
      },
    );
  });
}

/** Rounds alternate between the routes so drift in machine load (shared host) hits both alike. */
async function interleaved(
  rounds: number,
  a: () => Promise<Sample>,
  b: () => Promise<Sample>,
): Promise<[Result, Result]> {
  const sa: Sample[] = [];
  const sb: Sample[] = [];
  for (let i = 0; i < rounds; i++) {
    sa.push(await a());
    sb.push(await b());
  }
  // Requests per second over all rounds; percentiles: the worst round's (autocannon reports each run's own).
  const merge = (xs: Sample[]): Result => ({
    rps: xs.reduce((s, x) => s + x.rps, 0) / xs.length,
    p50: median(xs.map((x) => x.p50)),
    p99: Math.max(...xs.map((x) => x.p99)),
    errors: xs.reduce((s, x) => s + x.errors, 0),
  });
  return [merge(sa), merge(sb)];
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

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
  const handle = async () => {};
  const store = new SqlChatStore(sequelize);
  // BENCH_INBOX_BATCH=off: a store without acceptMany/finishMany, so the route keeps one statement per event.
  const dedupe: InboxStore = BATCH
    ? store
    : {
        accept: (...a) => store.accept(...a),
        finish: (...a) => store.finish(...a),
        attemptFailed: (...a) => store.attemptFailed(...a),
        claimStale: (...a) => store.claimStale(...a),
        savedResponse: (...a) => store.savedResponse(...a),
        saveResponse: (...a) => store.saveResponse(...a),
      };
  lineWebhookRoute(server, { dedupe, ipLimiter: limits.ip, background, channelSecret: SECRET, handle });
  server.route({ method: 'POST', path: '/bench/bare', options: { auth: false }, handler: () => ({}) });
  await server.start();
  const base = `http://127.0.0.1:${server.info.port}`;

  const bareUrl = `${base}/bench/bare`;
  const lineUrl = `${base}/webhooks/line`;
  // Warm-up (JIT, pool connections).
  await load(bareUrl, 'bare', 'closed', 1);
  await load(lineUrl, 'line', 'closed', 1);
  const R = 4;
  const [bare, line] = await interleaved(
    R,
    () => load(bareUrl, 'bare', 'closed', SECONDS / R),
    () => load(lineUrl, 'line', 'closed', SECONDS / R),
  );
  const [bareRate, lineRate] = await interleaved(
    2,
    () => load(bareUrl, 'bare', 'rate', RATE_SECONDS / 2),
    () => load(lineUrl, 'line', 'rate', RATE_SECONDS / 2),
  );
  await background.idle();
  const f = (x: number) => x.toFixed(1);
  console.log(
    `synchronous_commit for the inbox insert: ${process.env.BENCH_SYNC_COMMIT === 'off' ? 'off (comparison run)' : 'on (as deployed)'}`,
  );
  console.log(
    `inbox accepts and 'done' marks: ${BATCH ? 'coalesced across concurrent requests (as deployed)' : 'one statement per event (BENCH_INBOX_BATCH=off comparison run)'}`,
  );
  console.log(
    `host: ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (shared machine)`,
  );
  console.log(`load: autocannon in a separate process; server: this process`);
  console.log(`closed loop, ${CLIENTS} connections, ${SECONDS}s per route in ${R} alternating rounds (same server):`);
  console.log(
    `  bare hapi route     ${f(bare.rps).padStart(8)} req/s   p50 ${f(bare.p50)} ms   p99 ${f(bare.p99)} ms   errors ${bare.errors}`,
  );
  console.log(
    `  POST /webhooks/line ${f(line.rps).padStart(8)} req/s   p50 ${f(line.p50)} ms   p99 ${f(line.p99)} ms   errors ${line.errors}`,
  );
  console.log(`  ratio line / bare   ${(line.rps / bare.rps).toFixed(2)}   (target ≥ 0.7)`);
  console.log(`fixed rate ${RATE} req/s, ${RATE_SECONDS}s per route in 2 alternating rounds (p99: the worse round's):`);
  console.log(
    `  bare hapi route     achieved ${f(bareRate.rps)} req/s   p50 ${f(bareRate.p50)} ms   p99 ${f(bareRate.p99)} ms   errors ${bareRate.errors}`,
  );
  console.log(
    `  POST /webhooks/line achieved ${f(lineRate.rps)} req/s   p50 ${f(lineRate.p50)} ms   p99 ${f(lineRate.p99)} ms   errors ${lineRate.errors}   (target p99 < 50 ms)`,
  );
  console.log(
    JSON.stringify({
      ratio: Number((line.rps / bare.rps).toFixed(3)),
      bareRps: Math.round(bare.rps),
      lineRps: Math.round(line.rps),
      rate: RATE,
      lineRateP50Ms: lineRate.p50,
      lineRateP99Ms: lineRate.p99,
      bareRateP99Ms: bareRate.p99,
      errors: line.errors + lineRate.errors,
    }),
  );
  await server.stop();
} finally {
  await sequelize.close();
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
