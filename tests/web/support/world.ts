// One web stack for the web tests: real PostgreSQL (own database), the real Ledger and AccountService of the
// other areas, the hapi server with wire-web, and the local fake ECPay and Paddle servers.
import type { Server } from '@hapi/hapi';
import { loadConfig } from '../../../app/config.ts';
import { createLogger } from '../../../app/logger.ts';
import { createMagicLinks, wireWeb, type WebWiring } from '../../../app/wire-web.ts';
import { wireBilling } from '../../../app/wire-billing.ts';
import { StyleShowcase } from '../../../core/styles/showcase.ts';
import { SqlStyleCatalog } from '../../../infra/db/styles-repo.ts';
import type { Reply, ReplyTarget } from '../../../core/model.ts';
import { systemClock, type Clock, type Notifier } from '../../../core/ports.ts';
import { AccountService } from '../../../core/accounts/account-service.ts';
import { SqlAccountsRepo } from '../../../infra/db/accounts-repo.ts';
import { SqlLedger } from '../../../infra/db/sql-ledger.ts';
import { createServer } from '../../../web/server.ts';
import { createTestDatabase, type TestDb } from '../../helpers/db.ts';
import { startFakeEcpay, type FakeEcpay } from '../../fakes/ecpay.ts';
import { startFakePaddle, type FakePaddle } from '../../fakes/paddle.ts';

export const JWT_SECRET = 'test-secret-for-web-tests-0123456789abcdef';
export const PADDLE = { apiKey: 'pdl_sdbx_apikey_test', webhookSecret: 'pdl_ntfset_test_secret' };

export class RecordingNotifier implements Notifier {
  pushed: { target: ReplyTarget; replies: Reply[]; key?: string }[] = [];
  async push(target: ReplyTarget, replies: Reply[], opts?: { idempotencyKey?: string }) {
    this.pushed.push({ target, replies, key: opts?.idempotencyKey });
  }
}

export interface World {
  db: TestDb;
  server: Server;
  web: WebWiring;
  ledger: SqlLedger;
  accounts: AccountService;
  notifier: RecordingNotifier;
  ecpay: FakeEcpay;
  paddle: FakePaddle;
  baseUrl: string;
  /** A chat user with a Telegram and a LINE identity. */
  newUser(name: string): Promise<string>;
  close(): Promise<void>;
}

/** The merchant the fake ECPay and the app share; ECPay's published stage merchant unless a test gives its own. */
export const STAGE_ECPAY = { merchantId: '3002607', hashKey: 'pwFHCqoQZGmho4w6', hashIv: 'EkRm7iFT261dpevs' };

export async function startWorld(
  opts: {
    listen?: boolean;
    appDist?: string;
    env?: Record<string, string>;
    clock?: Clock;
    ecpay?: typeof STAGE_ECPAY;
  } = {},
): Promise<World> {
  const db = await createTestDatabase();
  const keys = opts.ecpay ?? STAGE_ECPAY;
  const ecpay = await startFakeEcpay(keys);
  let baseUrl = 'http://127.0.0.1:0';
  const paddle = await startFakePaddle({
    ...PADDLE,
    webhookUrl: () => `${baseUrl}/api/v1/payments/paddle/webhook`,
    returnUrl: (n) => `${baseUrl}/result?order=${n}`,
  });
  const log = createLogger('silent', false);
  const server = await createServer({ port: 0, host: '127.0.0.1', log, corsOrigins: ['https://app.example'] });
  await server.start(); // binds the port so the fakes can call back
  baseUrl = `http://127.0.0.1:${server.info.port}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: baseUrl,
    DATABASE_URL: db.url,
    JWT_SECRET,
    ECPAY_BASE_URL: ecpay.url,
    ECPAY_MERCHANT_ID: keys.merchantId,
    ECPAY_HASH_KEY: keys.hashKey,
    ECPAY_HASH_IV: keys.hashIv,
    PADDLE_API_BASE: paddle.url,
    PADDLE_API_KEY: PADDLE.apiKey,
    PADDLE_WEBHOOK_SECRET: PADDLE.webhookSecret,
    TELEGRAM_BOT_TOKEN: '123:abc',
    TELEGRAM_BOT_USERNAME: 'VidGoBot',
    LINE_CHANNEL_SECRET: 'web-test-line-channel-secret-0123456789',
    LINE_CHANNEL_ACCESS_TOKEN: 't',
    LINE_BOT_BASIC_ID: '@vidgo',
    CORS_ORIGINS: 'https://app.example',
    ...opts.env,
  });
  const ledger = new SqlLedger(db.sequelize, opts.clock ?? systemClock);
  const accounts = new AccountService(new SqlAccountsRepo(db.sequelize), { adminIds: [], defaultLocale: 'en' });
  const notifier = new RecordingNotifier();
  const links = createMagicLinks(config, { sequelize: db.sequelize }, JWT_SECRET);
  const billing = wireBilling(config, { sequelize: db.sequelize }, log, {
    ledger,
    notifier,
    accounts,
    links,
    clock: opts.clock,
  });
  const web = await wireWeb(server, config, { sequelize: db.sequelize }, log, JWT_SECRET, {
    ledger,
    accounts,
    links,
    billing,
    styles: new StyleShowcase(new SqlStyleCatalog(db.sequelize)),
    appDist: opts.appDist,
  });
  let n = 0;
  return {
    db,
    server,
    web,
    ledger,
    accounts,
    notifier,
    ecpay,
    paddle,
    baseUrl,
    async newUser(name) {
      const id = `${name}-${++n}`;
      const a = await accounts.identify({
        platform: 'telegram',
        eventId: `e-${id}`,
        platformUserId: `tg-${id}`,
        chatId: `tg-${id}`,
        displayName: name,
        platformLocale: 'ja',
        kind: 'message',
        text: '/plans',
      });
      return a.userId;
    },
    async close() {
      await server.stop();
      await ecpay.close();
      await paddle.close();
      await db.drop();
    },
  };
}
