// The composed app with METRICS_TOKEN set, its log lines captured, and every outside API a fake: LINE, Gemini
// (failing, so the keyword filter decides alone), Leonardo and Runway (refusing jobs, so a Starter video fails
// over to Pollo in points, which asks for consent) and Pollo (finishing with a real MP4). Media is served through
// the https front app-world.ts builds, since LINE fetches videos over https only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { QueryTypes } from 'sequelize';
import { createEmptyDatabase } from '../../helpers/db.ts';
import { TEST_REDIS_URL } from '../../helpers/redis.ts';
import { freePort } from '../../helpers/spawn-app.ts';
import { startFakeLine } from '../../fakes/line.ts';
import { startGeminiFake } from '../../fakes/gemini.ts';
import { startLeonardoFake } from '../../fakes/leonardo.ts';
import { startRunwayFake } from '../../fakes/runway.ts';
import { startPolloFake } from '../../fakes/pollo.ts';
import { httpsFront } from '../../e2e/support/app-world.ts';
import { renderSampleUrl } from '../../core/support/sample-video.ts';
import { createLocalRenderer } from '../../../infra/providers/local.ts';
import { loadConfig } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { composeApp } from '../../../app/compose.ts';

export const METRICS_TOKEN = 'ops-metrics-token-0123456789abcdef';
const LINE_SECRET = 'ops-line-channel-secret-0123456789';
const LINE_TOKEN = 'ops-line-access-token';

export async function startOpsWorld(opts: { redisDb: number; adminLineUser: string }) {
  const db = await createEmptyDatabase();
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vidgo-ops-'));
  const port = await freePort();
  const front = await httpsFront(dir, port);
  const line = await startFakeLine({ accessToken: LINE_TOKEN });
  const gemini = await startGeminiFake({ mode: 'error500' });
  const leonardo = await startLeonardoFake('leo-key');
  const runway = await startRunwayFake('rw-key');
  const pollo = await startPolloFake('pollo-key');
  const sample = await renderSampleUrl(createLocalRenderer('local', { dir: path.join(dir, 'sample') }));
  pollo.files.set('result.mp4', fs.readFileSync(new URL(sample)));
  pollo.plan({ pollsBeforeDone: 1, outcome: 'succeeded' });
  const redisUrl = new URL(TEST_REDIS_URL);
  redisUrl.pathname = `/${opts.redisDb}`;
  const flush = new Redis(redisUrl.toString());
  await flush.flushdb();
  await flush.quit();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl.toString(),
    DATA_DIR: dir,
    PUBLIC_BASE_URL: front.url,
    JWT_SECRET: crypto.randomBytes(24).toString('hex'),
    LOG_LEVEL: 'debug',
    METRICS_TOKEN,
    LINE_CHANNEL_SECRET: LINE_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
    LINE_API_BASE: line.url,
    GEMINI_API_KEY: 'gemini-key',
    GEMINI_API_BASE: gemini.url,
    LEONARDO_API_KEY: 'leo-key',
    LEONARDO_API_BASE: leonardo.url,
    LEONARDO_MEDIA_HOSTS: 'http://127.0.0.1',
    RUNWAY_API_KEY: 'rw-key',
    RUNWAY_API_BASE: runway.url,
    RUNWAY_MEDIA_HOSTS: 'http://127.0.0.1',
    POLLO_API_KEY: 'pollo-key',
    POLLO_API_BASE: pollo.url,
    POLLO_MEDIA_HOSTS: 'http://127.0.0.1',
    ADMIN_IDS: `line:${opts.adminLineUser}`,
    RATE_LIMIT_CHAT_PER_MIN: '1000',
    RATE_LIMIT_IP_PER_MIN: '100000',
  });
  const lines: Record<string, any>[] = [];
  const log = createLogger('debug', false, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const app = await composeApp(config, log);
  await app.start();
  const base = `http://127.0.0.1:${port}`;
  const q = <T = Record<string, any>>(sql: string, bind: unknown[] = []) =>
    app.infra.sequelize.query(sql, { bind, type: QueryTypes.SELECT }) as Promise<T[]>;

  let seq = 0;
  const eventOf = (userId: string, body: Record<string, unknown>) => ({
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    deliveryContext: { isRedelivery: false },
    webhookEventId: `01OPS${crypto.randomBytes(6).toString('hex').toUpperCase()}${String(++seq).padStart(9, '0')}`,
    replyToken: `rt-ops-${crypto.randomBytes(4).toString('hex')}-${seq}`,
    ...body,
  });
  /** Posts LINE events signed as LINE signs them (or with a wrong signature); answers the response. */
  async function post(events: unknown[], headers: Record<string, string> = {}, sign = true): Promise<Response> {
    const body = JSON.stringify({ destination: 'Ubot', events });
    const signature = sign
      ? crypto.createHmac('sha256', LINE_SECRET).update(body).digest('base64')
      : 'bm90IGEgc2lnbmF0dXJl';
    return fetch(`${base}/webhooks/line`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-line-signature': signature, ...headers },
    });
  }
  const says = (userId: string, text: string) =>
    eventOf(userId, {
      type: 'message',
      message: { id: String(7000 + seq), type: 'text', quoteToken: `q${seq}`, text },
    });
  const presses = (userId: string, data: string) => eventOf(userId, { type: 'postback', postback: { data } });

  return {
    app,
    config,
    line,
    gemini,
    leonardo,
    runway,
    pollo,
    base,
    lines,
    q,
    post,
    says,
    presses,
    async until<T>(
      check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
      what: string,
      timeoutMs = 60_000,
    ): Promise<T> {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const v = await check();
        if (v !== undefined && v !== null && v !== false) return v as T;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** The metrics page as Prometheus scrapes it. */
    async scrape(): Promise<string> {
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      if (res.status !== 200) throw new Error(`scrape answered ${res.status}`);
      return res.text();
    },
    async close() {
      await app.stop();
      front.server.closeAllConnections();
      await new Promise((r) => front.server.close(r));
      await Promise.all([line.close(), gemini.close(), leonardo.close(), runway.close(), pollo.close()]);
      await db.drop();
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}
export type OpsWorld = Awaited<ReturnType<typeof startOpsWorld>>;

/** The value of one series in Prometheus text (labels in any order), or undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}
