// The whole path from a prompt to a delivered video, under a burst: BENCH_USERS (500) Starter users on LINE each
// send one signed webhook asking for a video, all at once, from a load generator in its own process
// (bench/e2e-load.mjs). The app runs as it is deployed (`app/main.ts`, one process per instance) on one
// PostgreSQL and Redis, first as one instance, then as two; the providers are fakes in a third process
// (bench/e2e-fakes.ts): Leonardo ends every job 3 s after submit and calls back on its per-key webhook, as a
// Leonardo key made with a webhook URL does; LINE records what each user sees and when.
//
//   npm run bench:e2e            BENCH_INSTANCES=1,2  BENCH_USERS=500  BENCH_TIMEOUT_S=600
//
// Figures per run: webhook ack p50/p99 (load generator's clock), time to the first thing the user sees (the ack
// reply or LINE's loading animation, at the LINE fake), overhead = (video push accepted − webhook sent) − the
// provider's own time (its submit to its end), generations/s (first send to last delivery), CPU seconds per
// generation (the instances and their ffmpeg children; PostgreSQL and Redis are shared machines' services and not
// counted), lost (no video) and duplicated (two videos accepted for one prompt). The last lines are one JSON object
// per instance count. Admin connection: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
// Redis: BENCH_REDIS_URL (default redis://127.0.0.1:6379/14, flushed before each run: the app's keys carry no prefix).
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { runFfmpeg } from '../infra/media/binaries.ts';
import { freePort, waitForHttp } from '../tests/helpers/spawn-app.ts';
import { ADMIN_URL, admin, percentile } from './support.ts';

const USERS = Number(process.env.BENCH_USERS ?? 500);
const INSTANCES = (process.env.BENCH_INSTANCES ?? '1,2').split(',').map(Number);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 600);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const DONE_AFTER_MS = 3_000;
/** Leonardo's cap (generations at once across instances): the shipped default unless BENCH_LEONARDO_CAP says otherwise. */
const CAP = process.env.BENCH_LEONARDO_CAP;
const WARM = 4;
const PUBLIC = 'https://bench.vidgo.invalid';
const LINE_SECRET = 'bench-line-channel-secret-0123456789';
const LINE_TOKEN = 'bench-line-access-token';
const LEONARDO_KEY = 'bench-leonardo-key';
const WEBHOOK_KEY = 'bench-leonardo-webhook-key-0123456789';
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

interface Sent {
  userId: string;
  sentAt: number;
  ackMs: number;
  status: number | string;
}
interface Seen {
  firstVisibleAt?: number;
  how?: string;
  videos: { at: number; key?: string }[];
  refusedPushes: number;
}
interface Stats {
  users: Record<string, Seen>;
  jobs: { prompt?: string; submittedAt: number; doneAt?: number; polls: number }[];
  callbacks: (number | string)[];
}

function child(
  args: string[],
  env: Record<string, string> = {},
): { proc: ChildProcess; firstLine: Promise<string>; output: () => string } {
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    proc.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${out.slice(-2000)}`)));
  });
  proc.stderr!.on('data', (d) => (out += d));
  firstLine.catch(() => {}); // awaited by those who read it; an instance stopped at the end never prints one
  return { proc, firstLine, output: () => out };
}

/** utime + stime of the process and of its reaped children (ffmpeg), in seconds (USER_HZ = 100). */
async function cpuSeconds(pid: number): Promise<number> {
  const f = (await fs.readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

const stop = (p: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (p.exitCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 15_000).unref();
  });

async function run(instances: number, clip: string) {
  const name = `vidgo_bench_e2e_${crypto.randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${name}`;
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  await redis.quit();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-bench-e2e-'));
  const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
  const bases = ports.map((p) => `http://127.0.0.1:${p}`);
  const fakes = child([
    '--import',
    'tsx',
    'bench/e2e-fakes.ts',
    JSON.stringify({
      lineToken: LINE_TOKEN,
      leonardoKey: LEONARDO_KEY,
      webhookKey: WEBHOOK_KEY,
      publicBase: PUBLIC,
      instances: bases,
      doneAfterMs: DONE_AFTER_MS,
      clip,
    }),
  ]);
  const apps: ReturnType<typeof child>[] = [];
  try {
    const urls = JSON.parse(await fakes.firstLine) as { line: string; leonardo: string };
    const env = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: PUBLIC,
      JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
      LINE_CHANNEL_SECRET: LINE_SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
      LINE_API_BASE: urls.line,
      LINE_DATA_API_BASE: urls.line,
      LEONARDO_API_KEY: LEONARDO_KEY,
      LEONARDO_API_BASE: urls.leonardo,
      LEONARDO_MEDIA_HOSTS: 'http://127.0.0.1',
      LEONARDO_WEBHOOK_KEY: WEBHOOK_KEY,
      ...(CAP
        ? {
            JOBS_PROVIDER_CONCURRENCY: `leonardo=${CAP}`,
            JOBS_CONCURRENCY: String(Math.max(4, Math.ceil(Number(CAP) / instances))),
          }
        : {}),
    };
    // The first instance migrates the database; the second starts once it serves.
    for (const port of ports) {
      const app = child(['--import', 'tsx', 'app/main.ts'], { ...env, PORT: String(port) });
      apps.push(app);
      app.proc.on('exit', (code) => {
        if (code) console.error(`instance on ${port} exited ${code}:\n${app.output().slice(-3000)}`);
      });
      await waitForHttp(`http://127.0.0.1:${port}/health`, 120_000);
    }
    const users = Array.from({ length: USERS }, (_, i) => `Ubench${String(i).padStart(5, '0')}`);
    const warm = Array.from({ length: WARM }, (_, i) => `Uwarm${i}`);
    const db = new pg.Client({ connectionString: dbUrl.toString() });
    await db.connect();
    await db.query(
      `
      WITH u AS (INSERT INTO users (display_name) SELECT 'bench ' || x FROM unnest($1::text[]) AS x RETURNING id, display_name),
      i AS (INSERT INTO chat_identities (user_id, platform, platform_user_id, chat_id, display_name, locale)
            SELECT id, 'line', substr(display_name, 7), substr(display_name, 7), display_name, 'en' FROM u RETURNING user_id)
      INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
      SELECT i.user_id, p.id, 'active', now(), now() + interval '30 days' FROM i, plans p WHERE p.slug = 'starter'`,
      [[...users, ...warm]],
    );
    await db.end();
    const stats = async () => (await (await fetch(`${urls.line}/bench/stats`)).json()) as Stats;
    const until = async (who: string[], ms: number) => {
      const end = Date.now() + ms;
      let st = await stats();
      while (Date.now() < end && who.some((u) => !st.users[u]?.videos.length)) {
        await new Promise((r) => setTimeout(r, 500));
        st = await stats();
      }
      return st;
    };
    // Warm-up: a few prompts through the whole path first (JIT, pools, the keyword index), as on a serving instance.
    const warmLoad = child([
      path.join('bench', 'e2e-load.mjs'),
      JSON.stringify({ urls: bases.map((b) => `${b}/webhooks/line`), secret: LINE_SECRET, users: warm }),
    ]);
    await warmLoad.firstLine;
    await until(warm, 120_000);
    const pids = apps.map((a) => a.proc.pid!);
    const cpu0 = (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);

    const load = child([
      path.join('bench', 'e2e-load.mjs'),
      JSON.stringify({ urls: bases.map((b) => `${b}/webhooks/line`), secret: LINE_SECRET, users }),
    ]);
    const { sent } = JSON.parse(await load.firstLine) as { sent: Sent[] };
    let s = await until(users, TIMEOUT_S * 1000);
    const cpu1 = (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
    await new Promise((r) => setTimeout(r, 5_000)); // a late duplicate would show now
    s = await stats();

    // When each generation was made (its request handled) and taken by a runner (a job slot and a Leonardo slot
    // free): the time in between is the wait behind the provider cap, not work of ours.
    const c = new pg.Client({ connectionString: dbUrl.toString() });
    await c.connect();
    const { rows } = await c.query<{
      user: string;
      created: string;
      started: string | null;
    }>(`SELECT ci.platform_user_id AS user,
      (extract(epoch FROM g.created_at) * 1000)::bigint AS created, (extract(epoch FROM g.started_at) * 1000)::bigint AS started
      FROM generations g JOIN chat_identities ci ON ci.user_id = g.user_id AND ci.platform = 'line'`);
    await c.end();
    const gens = new Map(
      rows.map((r) => [
        r.user,
        { created: Number(r.created), started: r.started === null ? undefined : Number(r.started) },
      ]),
    );
    const byTake = new Map<number, { submittedAt: number; doneAt?: number }>();
    for (const j of s.jobs) {
      const m = /take (\d+)$/.exec(j.prompt ?? '');
      if (m) byTake.set(Number(m[1]), j);
    }
    const acks = sent.map((x) => x.ackMs);
    const first: number[] = [],
      overhead: number[] = [],
      queued: number[] = [];
    const parts = { intake: [] as number[], start: [] as number[], after: [] as number[] };
    let lost = 0,
      duplicated = 0,
      lastAt = 0;
    sent.forEach((x, i) => {
      const seen = s.users[x.userId];
      if (seen?.firstVisibleAt !== undefined) first.push(seen.firstVisibleAt - x.sentAt);
      const videos = seen?.videos ?? [];
      if (!videos.length) return void lost++;
      if (videos.length > 1) duplicated += videos.length - 1;
      lastAt = Math.max(lastAt, videos[0]!.at);
      const job = byTake.get(i);
      const g = gens.get(x.userId);
      if (job?.doneAt === undefined || g?.started === undefined) return;
      // Delivery time minus the provider's time and minus the wait for a slot under the cap.
      const wait = Math.max(0, g.started - g.created);
      queued.push(wait);
      parts.intake.push(g.created - x.sentAt);
      parts.start.push(job.submittedAt - g.started);
      parts.after.push(videos[0]!.at - job.doneAt);
      overhead.push(videos[0]!.at - x.sentAt - (job.doneAt - job.submittedAt) - wait);
    });
    const delivered = USERS - lost;
    const t0 = Math.min(...sent.map((x) => x.sentAt));
    const r = {
      instances,
      ackP50Ms: Math.round(percentile(acks, 50)),
      ackP99Ms: Math.round(percentile(acks, 99)),
      firstReplyP50Ms: Math.round(percentile(first, 50)),
      firstReplyP99Ms: Math.round(percentile(first, 99)),
      overheadP50Ms: Math.round(percentile(overhead, 50)),
      overheadP99Ms: Math.round(percentile(overhead, 99)),
      generationsPerSec: Number((delivered / ((lastAt - t0) / 1000)).toFixed(2)),
      cpuSecPerGeneration: Number(((cpu1 - cpu0) / Math.max(1, delivered)).toFixed(3)),
      lost,
      duplicated,
      queueWaitP50Ms: Math.round(percentile(queued, 50)),
      queueWaitP99Ms: Math.round(percentile(queued, 99)),
    };
    if (process.env.BENCH_DEBUG) {
      for (const i of [0, Math.floor(USERS / 2), USERS - 1]) {
        const x = sent[i]!;
        const seen = s.users[x.userId];
        const job = byTake.get(i);
        console.log(
          `  user ${i}: ack ${Math.round(x.ackMs)} ms, seen +${(seen?.firstVisibleAt ?? NaN) - x.sentAt} (${seen?.how}), submit +${(job?.submittedAt ?? NaN) - x.sentAt}, done +${(job?.doneAt ?? NaN) - x.sentAt}, video +${(seen?.videos[0]?.at ?? NaN) - x.sentAt}`,
        );
      }
    }
    const bad = sent.filter((x) => x.status !== 200).length;
    const polls = s.jobs.reduce((a, j) => a + j.polls, 0);
    console.log(
      `${instances} instance${instances > 1 ? 's' : ''}: ${USERS} prompts, ${bad} webhooks not answered 200, ${s.jobs.length} provider jobs, ${s.callbacks.filter((c) => c === 200).length} callbacks answered 200, ${(polls / Math.max(1, s.jobs.length)).toFixed(1)} polls per job`,
    );
    console.log(`  webhook ack        p50 ${r.ackP50Ms} ms   p99 ${r.ackP99Ms} ms   (target p99 < 100 ms)`);
    console.log(`  first reply        p50 ${r.firstReplyP50Ms} ms   p99 ${r.firstReplyP99Ms} ms   (target p99 < 1 s)`);
    console.log(
      `  overhead           p50 ${r.overheadP50Ms} ms   p99 ${r.overheadP99Ms} ms   (delivery − provider time − wait for a slot under the cap; target p99 < 1.5 s)`,
    );
    const pp = (xs: number[]) => `p50 ${Math.round(percentile(xs, 50))} ms, p99 ${Math.round(percentile(xs, 99))} ms`;
    console.log(
      `    of which: webhook sent → generation made ${pp(parts.intake)}; runner start → provider submit ${pp(parts.start)}; provider end → video accepted ${pp(parts.after)}`,
    );
    console.log(
      `  wait under the cap p50 ${r.queueWaitP50Ms} ms   p99 ${r.queueWaitP99Ms} ms   (Leonardo cap ${CAP ?? 'default'}: generations at once across instances)`,
    );
    console.log(
      `  throughput         ${r.generationsPerSec} generations/s; CPU ${r.cpuSecPerGeneration} s per generation`,
    );
    console.log(`  lost ${r.lost}, duplicated ${r.duplicated}`);
    return r;
  } finally {
    for (const a of apps) await stop(a.proc);
    await stop(fakes.proc);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-bench-clip-'));
try {
  // What the fake Leonardo "renders": 5 s of moving 720p (a Starter video needs no scaling, only its preview).
  const clip = path.join(tmp, 'clip.mp4');
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=24:duration=5',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '28',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  console.log(
    `e2e bench: ${USERS} LINE users at once, provider jobs end after ${DONE_AFTER_MS} ms; host ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const results = [];
  for (const n of INSTANCES) results.push(await run(n, clip));
  for (const r of results) console.log(JSON.stringify(r));
} finally {
  await fs.rm(tmp, { recursive: true, force: true });
}
