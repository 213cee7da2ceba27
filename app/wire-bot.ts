// Chat wiring: accounts, the dispatcher, admin commands, rate limits, and the platforms of bot/platforms.ts that
// the config turns on (each with its sender registered into the Notifier hub, its webhook routes and its polling).
// Order: createNotifierHub() first (core needs a Notifier), then the other areas' services, then wireBot().
import type { Server } from '@hapi/hapi';
import type { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Infra } from './infra-setup.ts';
import type { CoreWiring } from './wire-core.ts';
import type { GenerationAdmin, GenerationService, Ledger, MagicLinks } from '../core/api.ts';
import type { Platform } from '../core/model.ts';
import type { Clock, SharedState } from '../core/ports.ts';
import { systemClock } from '../core/ports.ts';
import type { ProviderHealth } from '../core/failover/health.ts';
import type { ModerationPolicy } from '../core/moderation/policy.ts';
import { AppealDesk, type AppealPolicy } from '../core/moderation/appeals.ts';
import { AccountLinking } from '../core/accounts/linking.ts';
import { AdminCommands } from '../core/admin/admin-commands.ts';
import type { BanControl, ProviderControl } from '../core/admin/ports.ts';
import { Dispatcher } from '../core/commands/dispatcher.ts';
import type { StyleCatalog } from '../core/styles/catalog.ts';
import type { ResultActions } from '../core/generation/actions.ts';
import type { BillingService } from '../core/billing/billing-service.ts';
import { PhotoChat } from '../core/photos/photo-chat.ts';
import type { PhotoIntake } from '../core/photos/ports.ts';
import { wireAccounts, type AccountsWiring } from './wire-accounts.ts';
import { SqlChatStore } from '../infra/db/chat-store.ts';
import { createTranslator } from '../infra/i18n.ts';
import type { Translator } from '../core/translator.ts';
import { Background } from '../bot/background.ts';
import { NotifierHub, type Parker } from '../bot/notifier-hub.ts';
import { createRateLimits } from '../infra/state/rate-limiter.ts';
import type { PlatformAdapter, PlatformDeps, PlatformDescriptor, StyleEntry, StyleSource } from '../bot/platform.ts';
import { PLATFORM_REGISTRY } from '../bot/platforms.ts';
import { createResumePending } from '../bot/inbox-resume.ts';
import { holdExclusive } from '../infra/db/exclusive-lease.ts';
import { loadStyleWords } from '../infra/db/styles-repo.ts';
import { isInfrastructureError } from '../infra/infrastructure-errors.ts';
import { installClientIp } from '../web/client-ip.ts';
import type { PromMetrics } from '../infra/metrics/registry.ts';
import { countInbox, countPushRefusals } from '../infra/metrics/decorators.ts';

// /style autocomplete's source: the catalogue when it is wired, else the styles named in locales/*/styles.json.
function styleSource(catalog?: StyleCatalog): StyleSource {
  if (catalog) return () => catalog.list();
  let named: StyleEntry[] | undefined;
  return async () =>
    (named ??= Object.entries(loadStyleWords()).map(([id, w]) => ({
      id,
      name: w.names.en ?? id,
      names: w.names,
      aliases: w.aliases,
    })));
}

export interface BotServices {
  generation: GenerationService;
  generationAdmin: GenerationAdmin;
  ledger: Ledger;
  links: MagicLinks;
  /** the moderation policy (ban/unban); /admin ban says "unavailable" without it. */
  bans?: BanControl;
  /** The moderation policy's appeals: /appeal and /admin appeals say "unavailable" without it. */
  appeals?: AppealPolicy;
  /** the shared ProviderHealth, adapted with providerControl(); /admin health|provider need it. */
  providers?: ProviderControl;
  /** The style catalogue: /style and /start s_<style> check names against it (locales' style names without it). */
  styles?: StyleCatalog;
  /** Billing: `/plans cancel` stops the renewal (the command says it is unavailable without). */
  billing?: Pick<BillingService, 'cancelRenewal' | 'revokeByOperator'>;
  /** Result buttons under delivered videos (`/act <id>`); they answer "not available" without it. */
  actions?: Pick<ResultActions, 'press'>;
  /** Photos to animate: without it a photo gets the "unsupported message" help. */
  photos?: PhotoIntake;
}

/** /admin ban|unban on the moderation policy (core/moderation/policy.ts). */
export function banControl(policy: Pick<ModerationPolicy, 'ban' | 'unban'>): BanControl {
  return {
    ban: async (userId, reason, actor) => void (await policy.ban(userId, reason ?? 'admin', actor)),
    unban: async (userId, actor) => void (await policy.unban(userId, 'admin', actor)),
  };
}

/** /admin health and /admin provider on the shared ProviderHealth (core/failover/health.ts). */
export function providerControl(health: ProviderHealth): ProviderControl {
  return {
    setOverride: (name, state) => health.setOverride(name, state),
    async snapshot() {
      const all = await health.snapshot();
      return Object.fromEntries(
        all.map((s) => [s.provider, { healthy: s.up, override: s.override === 'auto' ? null : s.override }]),
      );
    },
  };
}

export interface BotWiringOptions {
  config: Config;
  server: Server;
  sequelize: Sequelize;
  state: SharedState;
  redis?: Redis;
  log: Logger;
  hub: NotifierHub;
  services: BotServices;
  /** The accounts billing and the web share (the chat tests' worlds let wireBot make its own). */
  accounts?: AccountsWiring;
  clock?: Clock;
  translator?: Translator;
  /** Key prefix for the rate limiters (tests share one Redis). */
  rateLimitPrefix?: string;
  /** Poll (Telegram) when no webhook is configured (default true; tests say false). */
  polling?: boolean;
  /** The database the polling lease lives in (one poller across instances); without it this process polls alone. */
  databaseUrl?: string;
  /** The platforms to serve when configured (default: bot/platforms.ts). */
  platforms?: readonly PlatformDescriptor<Config>[];
  /** Prometheus metrics (METRICS_TOKEN set): webhook events accepted/duplicate, LINE push refusals. */
  metrics?: PromMetrics;
}

export function createNotifierHub(state: SharedState, log: Logger, parker?: Parker): NotifierHub {
  return new NotifierHub(state, log, parker);
}

export async function wireBot(o: BotWiringOptions) {
  const { config, server, log, hub } = o;
  const clock = o.clock ?? systemClock;
  const t = o.translator ?? (await createTranslator(config.defaultLocale));
  const { repo, service: accounts } = o.accounts ?? wireAccounts(config, o.sequelize);
  const store = new SqlChatStore(o.sequelize);
  const limits = createRateLimits({ ...config.rateLimits, redis: o.redis, prefix: o.rateLimitPrefix });
  // Queued events are re-checked before they start once a resume sweep could have taken them (INBOX_RETRY_MS).
  const background = new Background(log, isInfrastructureError, {
    concurrency: config.inboxConcurrency,
    recheckAfterMs: config.inboxRetryMs / 2,
  });
  const appeals = o.services.appeals
    ? new AppealDesk({
        policy: o.services.appeals,
        state: o.state,
        notifier: hub,
        targets: (u) => accounts.targets(u),
        log,
      })
    : undefined;
  const admin = new AdminCommands({
    audit: store.audit,
    accounts,
    directory: repo,
    ledger: o.services.ledger,
    generation: o.services.generationAdmin,
    bans: o.services.bans,
    providers: o.services.providers,
    notifier: hub,
    clock,
    defaultLocale: config.defaultLocale,
    ...(appeals ? { appeals } : {}),
    ...(o.services.billing ? { orders: o.services.billing } : {}),
  });
  const dispatcher = new Dispatcher({
    accounts,
    settings: repo,
    generation: o.services.generation,
    ledger: o.services.ledger,
    links: o.services.links,
    linking: new AccountLinking(repo, clock, accounts, hub),
    admin,
    limiter: limits.chat,
    log,
    state: o.state,
    isInfrastructureError,
    ...(appeals ? { appeals } : {}),
    ...(o.services.styles ? { styles: o.services.styles } : {}),
    ...(o.services.billing ? { billing: o.services.billing } : {}),
    ...(o.services.actions ? { actions: o.services.actions } : {}),
    ...(o.services.photos
      ? { photos: new PhotoChat({ intake: o.services.photos, generation: o.services.generation, state: o.state }) }
      : {}),
  });
  installClientIp(server, config.trustProxy); // per-IP limits of the webhook routes
  const stops: (() => Promise<void> | void)[] = [];
  const metrics = o.metrics;
  const databaseUrl = o.databaseUrl;
  const deps: PlatformDeps<Config> = {
    config,
    core: dispatcher,
    t,
    state: o.state,
    store,
    webhook: { dedupe: metrics ? countInbox(store, metrics) : store, ipLimiter: limits.ip, background },
    log,
    styles: styleSource(o.services.styles),
    polling: o.polling !== false,
    ...(databaseUrl ? { holdExclusive: (name, holder) => holdExclusive({ databaseUrl, name, log, holder }) } : {}),
    countPushRefusals: (client, method, platform) =>
      metrics ? countPushRefusals(client, method, platform, metrics) : client,
  };
  const platforms: Partial<Record<Platform, PlatformAdapter>> = {};
  for (const descriptor of o.platforms ?? PLATFORM_REGISTRY) {
    if (!descriptor.configured(config)) continue;
    const platform = await descriptor.create(deps);
    platforms[platform.name] = platform;
    hub.register(platform.name, platform.sender);
    platform.routes?.(server);
  }
  for (const platform of Object.values(platforms)) {
    await platform.start?.();
    if (platform.stop) stops.push(() => platform.stop?.());
  }
  const out = {
    t,
    repo,
    accounts,
    store,
    dispatcher,
    admin,
    background,
    hub,
    /** The platforms this process serves, by name. */
    platforms,
    /** Settles once the platforms' start-up calls are done (Telegram's webhook and menus; failures are logged). */
    ready: Promise.all(Object.values(platforms).map((p) => p.ready)).then(() => {}),
  };

  // Events answered 200 but never finished (a crash after the acknowledgement) are handled again, once, by
  // whichever instance claims them first: shortly after start-up, then every minute.
  const resumePending = createResumePending(out, { log });
  // An event still unfinished inboxRetryMs after its last attempt was abandoned by a crashed handler or failed on
  // our infrastructure. A sweep that fails (the database is away) is simply the next sweep's work.
  const retryMs = config.inboxRetryMs;
  const resume = () =>
    void resumePending(retryMs).catch((err) => {
      if (isInfrastructureError(err))
        log.warn({ err: String(err) }, 'resuming chat events: database unavailable, next round');
      else log.error({ err }, 'resuming chat events failed');
    });
  const first = setTimeout(resume, Math.min(5_000, retryMs));
  const every = setInterval(resume, Math.min(retryMs, 60_000));
  first.unref();
  every.unref();
  stops.push(() => {
    clearTimeout(first);
    clearInterval(every);
  });

  return {
    ...out,
    resumePending,
    /** Stops polling and waits for answers still being sent. */
    async stop() {
      for (const s of stops) await s();
      await background.idle();
    },
  };
}

export type BotWiring = Awaited<ReturnType<typeof wireBot>>;

/** Called from app/compose.ts with core's services; the hub was created earlier so core can push through it. */
export async function wireChat(p: {
  config: Config;
  infra: Infra;
  server: Server;
  log: Logger;
  hub: NotifierHub;
  core: Pick<CoreWiring, 'generation' | 'generationAdmin' | 'ledger'> &
    Partial<Pick<CoreWiring, 'styles' | 'actions' | 'photoIntake'>>;
  accounts: AccountsWiring;
  /** The MagicLinks core uses (one instance for core, chat and web). */
  links: MagicLinks;
  providerHealth?: ProviderHealth;
  moderation?: Pick<ModerationPolicy, 'ban' | 'unban'> & AppealPolicy;
  billing?: Pick<BillingService, 'cancelRenewal' | 'revokeByOperator'>;
  metrics?: PromMetrics;
}): Promise<BotWiring> {
  return wireBot({
    config: p.config,
    server: p.server,
    sequelize: p.infra.sequelize,
    state: p.infra.state,
    redis: p.infra.redis,
    log: p.log,
    hub: p.hub,
    accounts: p.accounts,
    databaseUrl: p.infra.databaseUrl,
    ...(p.metrics ? { metrics: p.metrics } : {}),
    services: {
      generation: p.core.generation,
      generationAdmin: p.core.generationAdmin,
      ledger: p.core.ledger,
      links: p.links,
      ...(p.providerHealth ? { providers: providerControl(p.providerHealth) } : {}),
      ...(p.moderation ? { bans: banControl(p.moderation), appeals: p.moderation } : {}),
      ...(p.core.styles ? { styles: p.core.styles } : {}),
      ...(p.billing ? { billing: p.billing } : {}),
      ...(p.core.actions ? { actions: p.core.actions } : {}),
      ...(p.core.photoIntake ? { photos: p.core.photoIntake } : {}),
    },
  });
}
