// The chaos run: two real instances (tests/helpers/spawn-app.ts) on one PostgreSQL and one Redis of our own, LINE
// configured on both against the fake LINE API, webhooks from a fake LINE Platform that redelivers what was not
// answered 200, load balanced across both instances; videos from the fake Leonardo (the real client code), so
// every user is a Starter user on a real provider route. Users send prompts in bursts; right after a burst is
// answered one fault strikes: an instance is SIGKILLed mid-generation and restarted, PostgreSQL restarts with
// `-m immediate`, Redis is killed and restarted empty. The outcome: how many videos each user got (exactly one is
// the only right answer) and whether any instance ended by itself.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, runApp, waitForHttp, type RunningApp } from '../helpers/spawn-app.ts';
import { startOwnPostgres, startOwnRedis } from '../helpers/own-services.ts';
import { startBalancer } from '../helpers/balancer.ts';
import { startFakeLine, type FakeLine } from '../fakes/line.ts';
import { lineWebhookSender, type LineDelivery } from '../fakes/line-webhooks.ts';
import { startLeonardoFake } from '../fakes/leonardo.ts';
import { createLocalRenderer } from '../../infra/providers/local.ts';
import { renderSampleUrl } from '../core/support/sample-video.ts';
import { uuidFromKey } from '../../bot/line/retry-key.ts';

const SECRET = 'chaos-line-channel-secret-0123456789';
const TOKEN = 'chaos-line-access-token';
const LEO_KEY = 'chaos-leonardo-key';

export interface ChaosOptions {
  users?: number;
  bursts?: number;
  log?: (line: string) => void;
  deadlineMs?: number;
}

export interface ChaosResult {
  ok: boolean;
  /** Users whose video count is not exactly one, with the count. */
  wrong: Record<string, number>;
  /** Instances that ended without being told to (exit code), by name. */
  selfExits: Record<string, number | null>;
  /** Lines of the instances' logs that a healthy run never has. */
  badLines: string[];
  faults: string[];
  /** Which provider made the delivered videos (all of them the fake Leonardo, or failover hid a problem). */
  providers: Record<string, number>;
  durationMs: number;
  /** The instances' logs and the webhook attempts, for investigating a failure. */
  logs: Record<string, string>;
}

interface Instance {
  name: string;
  port: number;
  app: RunningApp;
  killed: boolean;
}

/** Log lines that mean something crashed or was lost, not weather. */
const BAD = /uncaught exception|unhandled|"level":60|start-up failed|dropped|delivery given up/i;

/** What a run must undo, for a script interrupted mid-run (Ctrl-C): see stopAllChaos. */
const active = new Set<() => Promise<void>>();

/** Kills the instances and stops the services of runs still going (call from a signal handler). */
export async function stopAllChaos(): Promise<void> {
  await Promise.allSettled([...active].map((stop) => stop()));
}

export async function runChaos(o: ChaosOptions = {}): Promise<ChaosResult> {
  const users = o.users ?? 40;
  const bursts = o.bursts ?? 4;
  const say = o.log ?? (() => {});
  const started = Date.now();
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  const instances: Instance[] = [];
  const faults: string[] = [];
  const logs: Record<string, string> = {};
  const teardown = async () => {
    for (const i of instances) if (i.app.proc.exitCode === null) await i.app.stop('SIGKILL');
    for (const c of cleanup.splice(0).reverse())
      await Promise.resolve()
        .then(c)
        .catch(() => {});
  };
  active.add(teardown);
  try {
    const pgServer = await startOwnPostgres();
    cleanup.push(() => pgServer.stop());
    const admin = new pg.Client({ connectionString: pgServer.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE vidgo');
    await admin.end();
    const redis = await startOwnRedis();
    cleanup.push(() => redis.stop());

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-chaos-'));
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    // A real MP4 for the fake Leonardo to hand out; two polls (one 5 s wait) per job: long enough to be caught mid-way.
    const renderer = createLocalRenderer('local', { dir: path.join(dataDir, 'sample') });
    const sample = await renderSampleUrl(renderer);
    const leonardo = await startLeonardoFake(LEO_KEY);
    cleanup.push(() => leonardo.close());
    leonardo.files.set('result.mp4', fs.readFileSync(new URL(sample)));
    leonardo.plan({ pollsBeforeDone: 2, outcome: 'succeeded' });
    const line: FakeLine = await startFakeLine({ accessToken: TOKEN });
    cleanup.push(() => line.close());

    const ports = [await freePort(), await freePort()];
    // Both instances stay in the rotation, killed or not, as behind a balancer that has not noticed yet.
    const backends = () => ports;
    const webhookFront = await startBalancer(backends);
    cleanup.push(() => webhookFront.close());
    const mediaFront = await startBalancer(backends, { tls: true });
    cleanup.push(() => mediaFront.close());

    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: pgServer.url('vidgo'),
      REDIS_URL: redis.url,
      PUBLIC_BASE_URL: mediaFront.url,
      JWT_SECRET: crypto.randomBytes(24).toString('hex'),
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      LINE_API_BASE: line.url,
      LEONARDO_API_KEY: LEO_KEY,
      LEONARDO_API_BASE: leonardo.url,
      LEONARDO_MEDIA_HOSTS: 'http://127.0.0.1',
      RATE_LIMIT_CHAT_PER_MIN: '1000',
      RATE_LIMIT_IP_PER_MIN: '100000',
      JOBS_PROVIDER_CONCURRENCY: 'leonardo=8',
      // Faster takeover than production's minute, so a run takes minutes, not a quarter of an hour.
      JOBS_LOCK_LIFETIME_MS: '15000',
      INBOX_RETRY_MS: '10000',
    };
    const launch = async (name: string, port: number): Promise<Instance> => {
      const app = runApp(env, port);
      const inst: Instance = { name, port, app, killed: false };
      const died = app.exited.then((code) => {
        throw new Error(`instance ${name} exited with ${code} while starting:\n${app.output().slice(-3000)}`);
      });
      await Promise.race([waitForHttp(`http://127.0.0.1:${port}/health`, 120_000), died]);
      died.catch(() => {}); // a later exit is the run's verdict (selfExits), not this start's
      return inst;
    };
    instances.push(await launch('a', ports[0]!)); // migrates first
    instances.push(await launch('b', ports[1]!));
    const sender = lineWebhookSender({ secret: SECRET, url: `${webhookFront.url}/webhooks/line` });
    const ids = Array.from(
      { length: users },
      (_, i) => `Uchaos${String(i).padStart(3, '0')}${crypto.randomBytes(3).toString('hex')}`,
    );

    // Everyone adds the bot, then becomes a Starter subscriber (the web checkout's effect, written directly).
    const follows = await Promise.all(ids.map(async (u) => answerCheck(line, await sender.follows(u))));
    await until(() => follows.every((f) => f()), 'every follow answered', 60_000);
    const db = new pg.Client({ connectionString: pgServer.url('vidgo') });
    await db.connect();
    await db.query(
      `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
      SELECT ci.user_id, p.id, 'active', now(), now() + interval '30 days' FROM chat_identities ci, plans p
      WHERE ci.platform = 'line' AND ci.platform_user_id = ANY($1) AND p.slug = 'starter'`,
      [ids],
    );
    await db.end();

    const faultsInOrder: [string, () => Promise<void>][] = [
      [
        'SIGKILL instance a mid-generation, then restart it',
        async () => {
          // Mid-generation: once this burst's first videos are at the provider (within seconds of the answers).
          const end = Date.now() + 30_000;
          let now = '';
          while (
            Date.now() < end &&
            !(now = await statusCounts(pgServer.url('vidgo')).catch(() => '')).includes('running')
          )
            await new Promise((r) => setTimeout(r, 100));
          say(`SIGKILL instance a now (generations: ${now})`);
          const a = instances[0]!;
          a.killed = true;
          a.app.proc.kill('SIGKILL');
          await a.app.exited;
          logs[`${a.name} (killed)`] = a.app.output();
          await new Promise((r) => setTimeout(r, 1_000));
          instances[0] = await launch('a', a.port);
        },
      ],
      ['pg_ctl restart -m immediate', () => pgServer.restartImmediate()],
      [
        'Redis killed and restarted empty',
        async () => {
          await redis.kill();
          await new Promise((r) => setTimeout(r, 5_000));
          await redis.start();
        },
      ],
    ];
    // A fault strikes right after a burst was answered (every webhook got its 200, the events are being handled:
    // generations stored, jobs enqueued, replies sent), so it meets work in flight everywhere.
    const perBurst = Math.ceil(users / bursts);
    for (let b = 0; b < bursts; b++) {
      const group = ids.slice(b * perBurst, (b + 1) * perBurst);
      const sent = await Promise.all(
        group.map(async (u, i) =>
          answerCheck(line, await sender.says(u, `chaos burst ${b + 1} prompt ${i + 1}: a paper boat on a river`)),
        ),
      );
      const fault = faultsInOrder[b];
      let faulting: Promise<void> = Promise.resolve();
      if (fault) {
        faults.push(fault[0]);
        if (b > 0) say(`generations before the fault: ${await statusCounts(pgServer.url('vidgo')).catch(() => '?')}`);
        faulting = fault[1]();
        say(`burst ${b + 1} answered 200; fault: ${fault[0]}`);
      }
      await faulting;
      await until(() => sent.every((f) => f()), `the replies to burst ${b + 1}`, 180_000);
      say(`burst ${b + 1}: ${group.length} prompts replied to`);
    }

    const videos = () => Object.fromEntries(ids.map((u) => [u, videoCount(line, u)]));
    const deadline = o.deadlineMs ?? 6 * 60_000;
    await until(() => Object.values(videos()).every((n) => n >= 1), 'a video for every user', deadline).catch(() => {});
    // Time for a duplicate to show up, had anything been sent twice.
    await new Promise((r) => setTimeout(r, 5_000));
    const counts = videos();
    const wrong = Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 1));
    const selfExits: Record<string, number | null> = {};
    for (const i of instances)
      if (i.app.proc.exitCode !== null || i.app.proc.signalCode !== null) selfExits[i.name] = i.app.proc.exitCode;
    for (const i of instances) logs[i.name] = i.app.output();
    logs.webhooks = sender.log
      .filter((l) => l.status !== 200)
      .map((l) => `${l.eventId} #${l.attempt}: ${l.status}`)
      .join('\n');
    const providers = await (async () => {
      const c = new pg.Client({ connectionString: pgServer.url('vidgo') });
      c.on('error', () => {});
      await c.connect();
      try {
        const { rows } = await c.query(
          `SELECT coalesce(provider, status) AS p, count(*)::int AS n FROM generations GROUP BY 1`,
        );
        return Object.fromEntries(rows.map((r) => [r.p, r.n]));
      } finally {
        await c.end();
      }
    })();
    const badLines = Object.values(logs)
      .flatMap((l) => l.split('\n'))
      .filter((l) => BAD.test(l));
    const onProvider = providers.leonardo === users && Object.keys(providers).length === 1;
    return {
      ok: !Object.keys(wrong).length && !Object.keys(selfExits).length && !badLines.length && onProvider,
      wrong,
      selfExits,
      badLines,
      faults,
      providers,
      durationMs: Date.now() - started,
      logs,
    };
  } finally {
    active.delete(teardown);
    await teardown();
  }
}

/**
 * The event got its answer: a reply with its token, or the push a re-handled event whose reply token was refused
 * sends instead, under the retry key of `event:<id>` (bot/line/line-adapter.ts).
 */
async function answerCheck(line: FakeLine, d: LineDelivery): Promise<() => boolean> {
  const pushKey = await uuidFromKey(`event:${d.eventId}`);
  return () =>
    line.sent.some(
      (s) => (s.kind === 'reply' && s.replyToken === d.replyToken) || (s.kind === 'push' && s.retryKey === pushKey),
    );
}

function videoCount(line: FakeLine, userId: string): number {
  return line.sent
    .filter((s) => s.kind === 'push' && s.to === userId)
    .flatMap((s) => s.messages)
    .filter((m) => m.type === 'video').length;
}

async function until(check: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** "running 6, queued 2, succeeded 12": where the work stands when a fault strikes. */
async function statusCounts(url: string): Promise<string> {
  const db = new pg.Client({ connectionString: url });
  db.on('error', () => {}); // the database may be restarting: this look is only for the log
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT status, count(*)::int AS n FROM generations GROUP BY status ORDER BY status`,
    );
    return rows.map((r) => `${r.status} ${r.n}`).join(', ') || 'none';
  } finally {
    await db.end();
  }
}
