// The composition root: configuration → real implementations → core → adapters → server.
// The only place that knows which implementation stands behind each port.
import type { Server } from '@hapi/hapi';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { openInfra, type Infra } from './infra-setup.ts';
import { resolveJwtSecret } from './secrets.ts';
import { createServer } from '../web/server.ts';
import { isInfrastructureError } from '../infra/infrastructure-errors.ts';
import { enterLogContext } from '../infra/log/context.ts';
import { healthRoutes } from '../web/routes/health.ts';
import { wireJobStore, wireJobWorkers } from './wire-jobs.ts';
import { wireMedia } from './wire-media.ts';
import { deliveryWork, parkedNotices } from './wire-delivery.ts';
import { createMagicLinks, wireWeb } from './wire-web.ts';
import { wireCore } from './wire-core.ts';
import { systemClock } from '../core/ports.ts';
import { createNotifierHub, wireChat, type BotWiring } from './wire-bot.ts';
import { wireAccounts } from './wire-accounts.ts';
import { wireBilling } from './wire-billing.ts';
import { createMetrics, wireOps } from './wire-ops.ts';
import { wireCallbacks } from './wire-callbacks.ts';

export interface App {
  config: Config;
  infra: Infra;
  server: Server;
  /** The chat side (dispatcher, hub, platforms); `npm run chat` talks to it. */
  chat: BotWiring;
  start(): Promise<void>;
  /** Stops accepting, hands back running work, closes pools and the embedded database. */
  stop(): Promise<void>;
}

export async function composeApp(config: Config, log: Logger): Promise<App> {
  const infra = await openInfra(config, log);
  /** Run in reverse order at stop, before the infrastructure closes. */
  const stoppers: (() => Promise<void>)[] = [];
  try {
    return await composeOn(infra, stoppers, config, log);
  } catch (err) {
    // Whatever was wired stops, then the infrastructure (the embedded database last): nothing is left running.
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    await infra.close().catch(() => {});
    throw err;
  }
}

async function composeOn(infra: Infra, stoppers: (() => Promise<void>)[], config: Config, log: Logger): Promise<App> {
  const jwtSecret = resolveJwtSecret(config);

  const server = await createServer({
    port: config.port,
    host: config.host,
    log,
    corsOrigins: config.corsOrigins,
    isInfrastructureError,
    enterLogContext,
  });
  // ── operations: the metrics registry first, so every area below can count through it (none when METRICS_TOKEN is unset)
  const metrics = await createMetrics(config);

  // Each area wires itself in its own app/wire-<area>.ts and is called here, in dependency order.
  // ── providers and media
  const callbacks = wireCallbacks(config, log, jwtSecret, infra.databaseUrl);
  const media = await wireMedia(config, log, server, jwtSecret, { callbackUrl: callbacks.callbackUrl });
  callbacks.routes(server);
  await callbacks.hub.start();
  stoppers.push(() => callbacks.hub.stop());
  const releaseDisk = await media.claimDisk(infra.sequelize, Boolean(config.database.url)).catch(async (err) => {
    await infra.close().catch(() => {});
    throw err;
  });
  stoppers.push(async () => releaseDisk());
  // ── the job store: the queues core enqueues into (the workers come last, once every part they run exists)
  const jobs = wireJobStore(config, infra, log);
  // ── core: the ledger, failover and moderation parts and the generation use cases (app/wire-core.ts)
  const chatHub = createNotifierHub(infra.state, log, parkedNotices(jobs));
  const links = createMagicLinks(config, infra, jwtSecret);
  const core = wireCore({
    config,
    infra,
    log,
    clock: systemClock,
    providers: media.providers,
    mediaStore: media.mediaStore,
    mediaTools: media.mediaTools,
    jobQueue: jobs.jobQueue,
    notifier: chatHub,
    magicLinks: links,
    completions: callbacks.hub,
    deliveries: jobs.deliveries,
    ...(metrics ? { metrics } : {}),
  });
  // Shared across instances through Redis; the probe job below keeps it current.
  const providerHealth = async (): Promise<Record<string, boolean>> => ({ ...(await core.providerHealth.healthMap()) });
  // ── accounts, then billing: shared by chat (/plans cancel) and the web routes; it tells users through the chat hub
  const accounts = wireAccounts(config, infra.sequelize);
  const billing = wireBilling(config, infra, log, {
    ledger: core.ledger,
    notifier: chatHub,
    links,
    accounts: accounts.service,
  });
  // ── chat adapters: chatHub is core's Notifier; /admin health|provider|ban on the failover and moderation parts
  const chat = await wireChat({
    config,
    infra,
    server,
    log,
    hub: chatHub,
    core,
    accounts,
    links,
    providerHealth: core.providerHealth,
    moderation: core.moderation,
    billing: billing.billing,
    ...(metrics ? { metrics } : {}),
  });
  stoppers.push(() => chat.stop());
  // ── web app and payments
  const web = await wireWeb(server, config, infra, log, jwtSecret, {
    ledger: core.ledger,
    accounts: accounts.service,
    generations: core.generation,
    links,
    providersHealth: providerHealth,
    styles: core.styleShowcase, // the showcase, its sample clips rendered on first request
    mediaStore: media.mediaStore, // the gallery's clean downloads after an upgrade
    billing,
    actions: core.actions, // the gallery's family of a video and its Remix links
  });
  // ── job workers: generate-video on core's runner, deliveries through the hub, the recurring jobs on every area
  const workers = wireJobWorkers(config, jobs, {
    runner: core.runner,
    delivery: deliveryWork({ config, hub: chatHub, runner: core.runner, ...(metrics ? { metrics } : {}) }),
    tasks: {
      deleteMedia: (key) => media.mediaStore.delete(key),
      checkProviders: () => core.providerHealth.probeAll(Object.values(media.providers), 10_000),
      settleStuck: (now) => core.runner.settleStuck(now),
      releaseExpiredReservations: (now) => core.ledger.releaseExpired(now),
      purgePhotos: async (now) =>
        (
          await core.photoRecords.purge(
            new Date(now.getTime() - config.photos.retentionHours * 3600_000),
            (key) => media.mediaStore.delete(key),
            500,
            log,
          )
        ).deleted,
      monthlyReset: (now) => web.billing.monthlyReset(now),
      expireSubscriptions: (now) => web.billing.expireSubscriptions(now),
      sendRenewalReminders: (now) => web.billing.sendRenewalReminders(now),
    },
  });
  stoppers.push(() => workers.stop());

  healthRoutes(server, {
    db: async () => {
      await infra.sequelize.query('SELECT 1');
      return true;
    },
    jobs: () => workers.health(),
    // Degraded, not down: the instance serves with in-process limits until Redis is back.
    redis: async () =>
      !infra.redisLink
        ? 'memory'
        : infra.redisLink.ready && (await infra.redisLink.client.ping()) === 'PONG'
          ? 'ok'
          : 'degraded',
    providers: providerHealth,
  });
  await wireOps({
    config,
    server,
    log,
    jobs,
    providerHealth,
    ...(metrics ? { metrics } : {}),
    isAdmin: async (userId: string) => Boolean((await accounts.service.byUserId(userId))?.isAdmin),
  });
  return {
    config,
    infra,
    server,
    chat,
    async start() {
      await workers.start();
      await server.start();
      log.info({ url: config.publicBaseUrl, port: server.info.port }, 'VidGo is serving');
    },
    async stop() {
      await server.stop({ timeout: 10_000 });
      for (const stop of stoppers.reverse()) await stop().catch((err) => log.warn({ err }, 'stopping a part'));
      await infra.close();
    },
  };
}
