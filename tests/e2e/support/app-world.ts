// The real composed app (composeApp from app/compose.ts) in this process, on a fresh database it migrates itself,
// real Redis (a database number of its own, since the app's keys carry no test prefix), a temp DATA_DIR, no
// provider keys (the local ffmpeg renderer in every slot), LINE pointed at the fake LINE server and ECPay at
// its fake. LINE fetches media only over https: PUBLIC_BASE_URL is a self-signed https front that passes every
// request through to the app, so the video URLs the app sends are really served by the app's /media route.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { QueryTypes } from 'sequelize';
import { createEmptyDatabase } from '../../helpers/db.ts';
import { TEST_REDIS_URL } from '../../helpers/redis.ts';
import { freePort } from '../../helpers/spawn-app.ts';
import { startFakeLine } from '../../fakes/line.ts';
import { startFakeTelegram } from '../../fakes/telegram.ts';
import { startFakeEcpay } from '../../fakes/ecpay.ts';
import { loadConfig } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { composeApp } from '../../../app/compose.ts';
import { selfSignedCert } from '../../helpers/self-signed.ts';

export const LINE_SECRET = 'e2e-line-channel-secret-0123456789';
export const LINE_TOKEN = 'e2e-line-access-token';
export const TG_TOKEN = '5151:e2e-telegram-bot-token';
export const TG_SECRET = 'e2e-telegram-webhook-secret-0123456789';

/** A TLS front for the app (self-signed for 127.0.0.1), forwarding method, path, headers and body. */
export async function httpsFront(dir: string, target: number) {
  const tlsFiles = selfSignedCert(dir);
  const server = https.createServer(tlsFiles, (req, res) => {
    const up = http.request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** `telegram`: also Telegram (webhook mode: PUBLIC_BASE_URL is https) against the fake Bot API; `env`: more variables. */
export async function startAppWorld(opts: { redisDb: number; telegram?: boolean; env?: Record<string, string> }) {
  const db = await createEmptyDatabase();
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vidgo-e2e-'));
  const port = await freePort();
  const front = await httpsFront(dir, port);
  const line = await startFakeLine({ accessToken: LINE_TOKEN });
  const ecpay = await startFakeEcpay();
  const telegram = opts.telegram ? await startFakeTelegram({ token: TG_TOKEN }) : undefined;
  const redisUrl = new URL(TEST_REDIS_URL);
  redisUrl.pathname = `/${opts.redisDb}`;
  // Health, dedupe and rate-limit keys of an earlier run must not leak in.
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
    LOG_LEVEL: 'silent',
    LINE_CHANNEL_SECRET: LINE_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
    LINE_API_BASE: line.url,
    ECPAY_BASE_URL: ecpay.url,
    RATE_LIMIT_CHAT_PER_MIN: '1000',
    RATE_LIMIT_IP_PER_MIN: '100000',
    ...(telegram
      ? { TELEGRAM_BOT_TOKEN: TG_TOKEN, TELEGRAM_WEBHOOK_SECRET: TG_SECRET, TELEGRAM_API_ROOT: telegram.url }
      : {}),
    ...opts.env,
  });
  const app = await composeApp(config, createLogger('silent', false));
  await app.start();
  const base = `http://127.0.0.1:${port}`;
  const q = <T = Record<string, any>>(sql: string, bind: unknown[] = []) =>
    app.infra.sequelize.query(sql, { bind, type: QueryTypes.SELECT }) as Promise<T[]>;

  let seq = 0;
  /** Posts one signed LINE text-message webhook as the app receives it; resolves with the reply token used. */
  async function lineSays(userId: string, text: string): Promise<{ status: number; replyToken: string }> {
    const n = ++seq;
    const replyToken = `rt-${crypto.randomBytes(4).toString('hex')}-${n}`;
    const event = {
      type: 'message',
      mode: 'active',
      timestamp: Date.now(),
      source: { type: 'user', userId },
      webhookEventId: `01E2E${crypto.randomBytes(6).toString('hex').toUpperCase()}${String(n).padStart(9, '0')}`,
      deliveryContext: { isRedelivery: false },
      replyToken,
      message: { id: String(5000 + n), type: 'text', quoteToken: `q${n}`, text },
    };
    const body = JSON.stringify({ destination: 'Ubot', events: [event] });
    const signature = crypto.createHmac('sha256', LINE_SECRET).update(body).digest('base64');
    // Signed like LINE signs; posted to the app's own port (the signature does not depend on TLS).
    const res = await fetch(`${base}/webhooks/line`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-line-signature': signature },
    });
    return { status: res.status, replyToken };
  }

  /** A LINE button press (postback: its data is the command). */
  async function linePress(userId: string, data: string): Promise<{ status: number; replyToken: string }> {
    const n = ++seq;
    const replyToken = `rt-pb-${crypto.randomBytes(4).toString('hex')}-${n}`;
    const event = {
      type: 'postback',
      mode: 'active',
      timestamp: Date.now(),
      source: { type: 'user', userId },
      webhookEventId: `01E2EPB${crypto.randomBytes(6).toString('hex').toUpperCase()}${String(n).padStart(7, '0')}`,
      deliveryContext: { isRedelivery: false },
      replyToken,
      postback: { data },
    };
    const body = JSON.stringify({ destination: 'Ubot', events: [event] });
    const signature = crypto.createHmac('sha256', LINE_SECRET).update(body).digest('base64');
    const res = await fetch(`${base}/webhooks/line`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-line-signature': signature },
    });
    return { status: res.status, replyToken };
  }

  /** A Telegram private-chat message through the webhook with the secret-token header. */
  async function telegramSays(userId: number, text: string, name = 'Tomo'): Promise<number> {
    const n = ++seq;
    const update = {
      update_id: 900_000 + n,
      message: {
        message_id: n,
        date: Math.floor(Date.now() / 1000),
        chat: { id: userId, type: 'private' },
        from: { id: userId, is_bot: false, first_name: name, language_code: 'en' },
        text,
      },
    };
    const res = await fetch(`${base}/webhooks/telegram`, {
      method: 'POST',
      body: JSON.stringify(update),
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
    });
    return res.status;
  }

  return {
    app,
    config,
    db,
    line,
    telegram,
    ecpay,
    base,
    publicUrl: front.url,
    dir,
    q,
    lineSays,
    linePress,
    telegramSays,
    /** Waits until `check` returns a value (the app works in the background: jobs, pushes). */
    async until<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const v = await check();
        if (v !== undefined && v !== null && v !== false) return v as T;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async userOf(lineUserId: string): Promise<string> {
      const [r] = await q<{ user_id: string }>(
        `SELECT user_id FROM chat_identities WHERE platform = 'line' AND platform_user_id = $1`,
        [lineUserId],
      );
      return r!.user_id;
    },
    async close() {
      await app.stop();
      front.server.closeAllConnections();
      await new Promise((r) => front.server.close(r));
      await Promise.all([line.close(), ecpay.close(), telegram?.close()]);
      await db.drop();
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}
export type AppWorld = Awaited<ReturnType<typeof startAppWorld>>;
