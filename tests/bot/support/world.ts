// One chat test world: a fresh migrated database, real Redis, the real ledger and the real generation service
// (SqlGenerationStore, SqlTierCatalog, the local ffmpeg renderer, disk store and tools), the real bot wiring
// (app/wire-bot.ts) on a hapi server driven with server.inject, and fake LINE / Telegram / Discord servers the
// real SDK clients talk to. Media is served over https (self-signed) so LINE's https rule is exercised.
// Routing and moderation are the real ones (FailoverRouter on ProviderHealth, ModerationPolicy with the keyword
// moderator), wired to the generation's ports as app/wire-core.ts does.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { QueryTypes } from 'sequelize';
import { createTestDatabase } from '../../helpers/db.ts';
import { createTestRedis } from '../../helpers/redis.ts';
import { loadConfig } from '../../../app/config.ts';
import { createLogger, type Logger } from '../../../app/logger.ts';
import { createMagicLinks } from '../../../app/wire-web.ts';
import { createServer } from '../../../web/server.ts';
import { SqlLedger } from '../../../infra/db/sql-ledger.ts';
import { SqlGenerationStore } from '../../../infra/db/generation-repo.ts';
import { SqlTierCatalog } from '../../../infra/db/tier-catalog.ts';
import { createLocalRenderer } from '../../../infra/providers/local.ts';
import { createDiskStore } from '../../../infra/media/disk-store.ts';
import { createMediaTools } from '../../../infra/media/ffmpeg-tools.ts';
import { createGeneration } from '../../../core/generation/service.ts';
import type { GenerationDeps } from '../../../core/generation/deps.ts';
import { DEFAULT_SETTINGS } from '../../../core/generation/types.ts';
import { systemClock } from '../../../core/ports.ts';
import type { ProviderName } from '../../../core/model.ts';
import { banControl, createNotifierHub, providerControl, wireBot } from '../../../app/wire-bot.ts';
import { ProviderHealth } from '../../../core/failover/health.ts';
import { ModerationPolicy } from '../../../core/moderation/policy.ts';
import { SqlModerationRepository } from '../../../infra/db/moderation-repo.ts';
import { ScriptedProvider } from '../../core/support/scripted-provider.ts';
import { renderSampleUrl } from '../../core/support/sample-video.ts';
import { RecordingQueue, links } from '../../core/support/recorders.ts';
import { FailoverRouter } from '../../../core/failover/index.ts';
import { createModerator } from '../../../infra/moderation/index.ts';
import { chargingPorts } from '../../../core/ledger/index.ts';
import { startFakeLine } from '../../fakes/line.ts';
import { startFakeTelegram } from '../../fakes/telegram.ts';
import { startFakeDiscord } from '../../fakes/discord.ts';
import { TELEGRAM_LIMITS, type FloodLimits } from '../../../bot/telegram/flood-control.ts';
import { PLATFORM_REGISTRY } from '../../../bot/platforms.ts';
import { telegramPlatform, telegramPlatformWith } from '../../../bot/telegram/descriptor.ts';
import { SqlActionTokens } from '../../../infra/db/action-tokens-repo.ts';
import { SqlStyleCatalog } from '../../../infra/db/styles-repo.ts';
import { ResultActions } from '../../../core/generation/actions.ts';
import type { VideoProvider } from '../../../core/ports.ts';
import { createImageModerator } from '../../../infra/moderation/gemini-image.ts';
import { createPhotoIntake } from '../../../infra/media/photo-intake.ts';
import { SqlPhotoRecords } from '../../../infra/db/photo-repo.ts';
import { selfSignedCert } from '../../helpers/self-signed.ts';

export const LINE_SECRET = 'line-test-channel-secret-0123456789';
export const LINE_TOKEN = 'line-test-access-token';
export const TG_TOKEN = '4242:test-telegram-token';
export const TG_SECRET = 'tg-webhook-secret_0123456789abcdef_1';
export const DISCORD_APP = '1100000000000000001';
export const DISCORD_BOT = 'discord-test-bot-token';

function mediaServer(root: string, tls: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-tls-'));
  const handler: http.RequestListener = (req, res) => {
    const key = decodeURIComponent((req.url ?? '').replace(/^\/media\//, '').split('?')[0]!);
    const file = path.resolve(root, key);
    if (!file.startsWith(root) || !fs.existsSync(file)) return void res.writeHead(404).end();
    const type = file.endsWith('.mp4')
      ? 'video/mp4'
      : file.endsWith('.jpg') || file.endsWith('.jpeg')
        ? 'image/jpeg'
        : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'content-length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  };
  if (!tls) return http.createServer(handler);
  const tlsFiles = selfSignedCert(dir);
  return https.createServer(tlsFiles, handler);
}

/**
 * `log`: where the app's log lines go (default: none); `realLinks`: sign real magic-link tokens (JwtMagicLinks)
 * instead of the recorder's readable fake links.
 */
/** Telegram's flood limits loose enough for tests that send dozens of messages into one chat in a second. */
export const TEST_TG_LIMITS: FloodLimits = {
  ...TELEGRAM_LIMITS,
  globalPerSecond: 10_000,
  groupPerMinute: 10_000,
  privateBurst: 10_000,
};

/**
 * `providers`: real clients (pointed at provider fakes) in place of the scripted ones; `photos`: photos are taken
 * (validated, stored, moderated with the image moderator app/wire-core.ts builds from GEMINI_* and IMAGE_MODERATION).
 */
export async function buildChatWorld(
  opts: {
    env?: Record<string, string>;
    tlsMedia?: boolean;
    log?: Logger;
    realLinks?: boolean;
    telegramLimits?: FloodLimits;
    providers?: Partial<Record<'leonardo' | 'runway' | 'pollo' | 'goenhance', VideoProvider>>;
    photos?: boolean;
  } = {},
) {
  const db = await createTestDatabase({ poolMax: 5 });
  const redis = createTestRedis();
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vidgo-bot-test-'));
  const mediaRoot = path.resolve(dir, 'media');
  fs.mkdirSync(mediaRoot, { recursive: true });
  const media = mediaServer(mediaRoot, opts.tlsMedia ?? true);
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  const mediaBase = `${(opts.tlsMedia ?? true) ? 'https' : 'http'}://127.0.0.1:${(media.address() as AddressInfo).port}`;

  const line = await startFakeLine({ accessToken: LINE_TOKEN });
  const telegram = await startFakeTelegram({ token: TG_TOKEN });
  const discord = await startFakeDiscord({ botToken: DISCORD_BOT });
  const discordKeys = crypto.generateKeyPairSync('ed25519');
  const discordPublicHex = discordKeys.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');

  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    PUBLIC_BASE_URL: 'https://vidgo.test',
    LINE_CHANNEL_SECRET: LINE_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
    LINE_API_BASE: line.url,
    LINE_DATA_API_BASE: line.url,
    TELEGRAM_BOT_TOKEN: TG_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    TELEGRAM_API_ROOT: telegram.url,
    DISCORD_APPLICATION_ID: DISCORD_APP,
    DISCORD_PUBLIC_KEY: discordPublicHex,
    DISCORD_BOT_TOKEN: DISCORD_BOT,
    DISCORD_API_BASE: discord.apiBase,
    ADMIN_IDS: 'line:Uadmin,telegram:7777,discord:8888',
    RATE_LIMIT_CHAT_PER_MIN: '1000',
    RATE_LIMIT_IP_PER_MIN: '10000',
    ...(opts.env ?? {}),
  });
  const log = opts.log ?? createLogger('silent', false);
  const magic = opts.realLinks ? createMagicLinks(config, db, 'chat-world-jwt-secret-0123456789abcdef') : links;
  const server = await createServer({ port: 0, host: '127.0.0.1', log, corsOrigins: [] });

  const hub = createNotifierHub(redis.state, log);
  const ledger = new SqlLedger(db.sequelize, systemClock);
  const store = new SqlGenerationStore(db.sequelize);
  const local = createLocalRenderer('local', {
    dir: path.join(dir, 'renders'),
    durationSeconds: 1,
    width: 320,
    height: 180,
  });
  const sampleUrl = await renderSampleUrl(local);
  const paid = Object.fromEntries(
    (['leonardo', 'runway', 'pollo', 'goenhance'] as const).map((p) => [p, new ScriptedProvider(p, () => sampleUrl)]),
  ) as Record<'leonardo' | 'runway' | 'pollo' | 'goenhance', ScriptedProvider>;
  const health = new ProviderHealth(redis.state, systemClock); // the shared provider health
  const policy = new ModerationPolicy(new SqlModerationRepository(db.sequelize), systemClock, config.moderation);
  // The moderator app/wire-core.ts builds: Gemini beside the keyword filter when GEMINI_API_KEY is set (pointed at
  // the fake Gemini through GEMINI_API_BASE), the keyword filter alone otherwise.
  const moderator = createModerator(config.gemini, policy.keywordOverrides());
  const router = new FailoverRouter(health);
  const moderation = policy;
  const jobs = new RecordingQueue();
  const mediaStore = createDiskStore({ root: mediaRoot, publicBaseUrl: mediaBase });
  const imageModerator = opts.photos ? createImageModerator(config.gemini, config.photos.imageModeration) : undefined;
  const deps: GenerationDeps = {
    store,
    tiers: new SqlTierCatalog(db.sequelize),
    router,
    moderator,
    moderation,
    ...chargingPorts(ledger),
    jobs,
    notifier: hub,
    ...(imageModerator ? { imageModerator } : {}),
    providers: { ...paid, ...opts.providers, local: { ...local, local: true } },
    mediaStore,
    mediaTools: createMediaTools({ tmpDir: path.join(dir, 'tmp') }),
    links: magic,
    clock: systemClock,
    settings: { ...DEFAULT_SETTINGS, pollIntervalMs: 5, stepTimeoutMs: 5_000, progressEveryMs: 0 },
    log: { info() {}, warn() {} },
    actionTokens: new SqlActionTokens(db.sequelize),
  };
  const gen = createGeneration({ ...deps, localFile: (key) => mediaStore.pathOf(key) });
  // The result buttons as app/wire-core.ts builds them, on the seeded style catalogue.
  const photoIntake = createPhotoIntake({ store: mediaStore, records: new SqlPhotoRecords(db.sequelize) });
  const actions = new ResultActions({
    tokens: deps.actionTokens!,
    store,
    generation: gen.service,
    styles: new SqlStyleCatalog(db.sequelize),
    frames: { media: mediaStore, tools: deps.mediaTools, photos: photoIntake },
  });
  const bot = await wireBot({
    config,
    server,
    sequelize: db.sequelize,
    state: redis.state,
    redis: redis.redis,
    log,
    hub,
    polling: false,
    platforms: PLATFORM_REGISTRY.map((p) =>
      p === telegramPlatform ? telegramPlatformWith({ limits: opts.telegramLimits ?? TEST_TG_LIMITS }) : p,
    ),
    rateLimitPrefix: redis.prefix,
    services: {
      generation: gen.service,
      generationAdmin: gen.admin,
      ledger,
      links: magic,
      // the real moderation policy on its SQL repository.
      bans: banControl(policy),
      appeals: policy,
      providers: providerControl(health),
      actions,
      ...(opts.photos ? { photos: photoIntake } : {}),
    },
  });

  const q = <T = Record<string, any>>(sql: string, bind: unknown[] = []) =>
    db.sequelize.query(sql, { bind, type: QueryTypes.SELECT }) as Promise<T[]>;
  return {
    db,
    redis,
    config,
    server,
    bot,
    hub,
    gen,
    ledger,
    store,
    jobs,
    actions,
    paid,
    router,
    line,
    telegram,
    discord,
    discordKeys,
    mediaBase,
    q,
    health,
    policy,
    mediaRoot,
    /** Runs every enqueued generation to its end, as the job runner would. */
    async runQueued() {
      for (const { id } of jobs.enqueued.splice(0))
        await gen.runner.run(id, { signal: new AbortController().signal, touch: async () => {} });
      await bot.background.idle();
    },
    async setDown(...ps: ProviderName[]) {
      for (const p of ps) await health.setOverride(p, 'off');
    },
    async setUp(...ps: ProviderName[]) {
      for (const p of ps) await health.setOverride(p, 'auto');
    },
    async userOf(platform: string, platformUserId: string): Promise<string> {
      const [r] = await q<{ user_id: string }>(
        `SELECT user_id FROM chat_identities WHERE platform = $1 AND platform_user_id = $2`,
        [platform, platformUserId],
      );
      return r!.user_id;
    },
    async subscribe(userId: string, tier: string) {
      await db.sequelize.query(
        `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
        SELECT $1, id, 'active', now(), now() + interval '30 days' FROM plans WHERE slug = $2`,
        { bind: [userId, tier] },
      );
    },
    async close() {
      await bot.stop();
      await Promise.all([line.close(), telegram.close(), discord.close()]);
      media.closeAllConnections?.();
      await new Promise((r) => media.close(r));
      await redis.close();
      await db.drop();
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}
export type ChatWorld = Awaited<ReturnType<typeof buildChatWorld>>;
