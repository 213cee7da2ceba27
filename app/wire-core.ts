// Wires the generation use case: SQL store and tier catalog, the ledger (SqlLedger behind the PointCharger), the
// FailoverRouter on the shared ProviderHealth, the moderator and its ModerationPolicy, providers and media, and the
// ports that are built later (job queue, notifier, magic links), handed in as getters.
import path from 'node:path';
import type { Config } from './config.ts';
import type { Infra } from './infra-setup.ts';
import type { Logger } from './logger.ts';
import type { GenerationAdmin, GenerationRunner, GenerationService, MagicLinks } from '../core/api.ts';
import type { ProviderName } from '../core/model.ts';
import type {
  Clock,
  CompletionSignals,
  DeliveryQueue,
  JobQueue,
  MediaStore,
  MediaTools,
  Notifier,
  VideoProvider,
} from '../core/ports.ts';
import { DEFAULT_SETTINGS, type GenerationStore, type TierCatalog } from '../core/generation/types.ts';
import { createGeneration } from '../core/generation/service.ts';
import { ResultActions } from '../core/generation/actions.ts';
import { SqlActionTokens } from '../infra/db/action-tokens-repo.ts';
import { FailoverRouter, ProviderHealth } from '../core/failover/index.ts';
import { chargingPorts } from '../core/ledger/index.ts';
import { ModerationPolicy } from '../core/moderation/index.ts';
import { SqlGenerationStore } from '../infra/db/generation-repo.ts';
import { SqlTierCatalog } from '../infra/db/tier-catalog.ts';
import { SqlLedger } from '../infra/db/sql-ledger.ts';
import { SqlModerationRepository } from '../infra/db/moderation-repo.ts';
import { createModerator } from '../infra/moderation/index.ts';
import { createImageModerator } from '../infra/moderation/gemini-image.ts';
import { createPhotoIntake } from '../infra/media/photo-intake.ts';
import { SqlPhotoRecords } from '../infra/db/photo-repo.ts';
import type { PhotoIntake } from '../core/photos/ports.ts';
import { TIER_MAX_HEIGHT } from '../infra/media/index.ts';
import { createLocalRenderer } from '../infra/providers/local.ts';
import { SqlStyleCatalog } from '../infra/db/styles-repo.ts';
import { withStyleModels } from '../core/styles/provider.ts';
import { StyleSamples } from '../core/styles/samples.ts';
import { StyleShowcase } from '../core/styles/showcase.ts';
import type { PromMetrics } from '../infra/metrics/registry.ts';
import { countGenerations, countLedger, countModerator } from '../infra/metrics/decorators.ts';

export interface CoreParts {
  config: Config;
  infra: Infra;
  log: Logger;
  clock: Clock;
  providers: Partial<Record<ProviderName, VideoProvider>>;
  mediaStore: MediaStore;
  mediaTools: MediaTools;
  jobQueue: JobQueue;
  /** Durable delivery of final messages (the jobs' deliver-<platform>); pushed at once without it. */
  deliveries?: DeliveryQueue;
  notifier: Notifier;
  magicLinks: MagicLinks;
  /** Prometheus metrics (METRICS_TOKEN set): the ledger, moderator and generation store are counted through. */
  metrics?: PromMetrics;
  /** Provider completion callbacks (app/wire-callbacks.ts); without it providers are only polled. */
  completions?: CompletionSignals;
}

export interface CoreWiring {
  generation: GenerationService;
  generationAdmin: GenerationAdmin;
  runner: GenerationRunner;
  ledger: SqlLedger;
  store: GenerationStore;
  tiers: TierCatalog;
  /** the shared provider health (Redis when configured): /health, /admin health|provider, the probe job. */
  providerHealth: ProviderHealth;
  /** the moderation policy: /admin ban|unban, /appeal and /admin appeals. */
  moderation: ModerationPolicy;
  /** the style catalogue (showcase_styles) for chat, and the web showcase with its lazily rendered samples. */
  styles: SqlStyleCatalog;
  styleShowcase: StyleShowcase;
  /** The buttons under delivered videos (retry, variation, extend, style, 4K) and the gallery's family and Remix. */
  actions: ResultActions;
  /** Photos sent to animate: validated, stripped and stored privately (chat), deleted after the retention (jobs). */
  photoIntake: PhotoIntake;
  photoRecords: SqlPhotoRecords;
}

/** The disk store exposes its files; a remote store (S3) does not. */
const localFileOf = (store: MediaStore) =>
  'pathOf' in store && typeof store.pathOf === 'function'
    ? (key: string) => (store.pathOf as (k: string) => string)(key)
    : undefined;

export function wireCore(p: CoreParts): CoreWiring {
  const { config, infra, log, clock } = p;
  const m = p.metrics;
  const tiers = new SqlTierCatalog(infra.sequelize);
  const sqlLedger = new SqlLedger(infra.sequelize, clock);
  const ledger = m ? countLedger(sqlLedger, m) : sqlLedger;
  const sqlStore = new SqlGenerationStore(infra.sequelize);
  const store = m ? countGenerations(sqlStore, tiers, m) : sqlStore;
  const providerHealth = new ProviderHealth(infra.state, clock);
  const moderation = new ModerationPolicy(new SqlModerationRepository(infra.sequelize), clock, config.moderation);
  const combined = createModerator(
    config.gemini,
    moderation.keywordOverrides(),
    log.child({ part: 'moderation' }),
    m && ((reason) => m.geminiFallbacks.inc({ reason })),
  );
  const moderator = m ? countModerator(combined, m) : combined;
  log.info(
    config.gemini.apiKey
      ? `moderation: Gemini ${config.gemini.model}, keyword filter as fallback`
      : 'moderation: keyword filter only (no GEMINI_API_KEY)',
  );
  // Smart Demo always renders locally, even when every provider slot has a real key.
  const local = p.providers.local?.local
    ? p.providers.local
    : createLocalRenderer('local', { dir: path.join(config.dataDir, 'local-renders') });
  const { jobQueue: jobs, notifier, deliveries, magicLinks: links } = p;
  const localFile = localFileOf(p.mediaStore);
  // Styles: GoEnhance is sent the catalogue's model id for the style id a generation records.
  const styles = new SqlStyleCatalog(infra.sequelize);
  const styleProviders = p.providers.goenhance ? { goenhance: withStyleModels(p.providers.goenhance, styles) } : {};
  const styleSamples = new StyleSamples({
    catalog: styles,
    store: styles,
    renderer: local,
    media: p.mediaStore,
    tools: p.mediaTools,
    log: log.child({ part: 'styles' }),
  });
  const actionTokens = new SqlActionTokens(infra.sequelize);
  const imageModerator = createImageModerator(config.gemini, config.photos.imageModeration);
  if (!imageModerator)
    log.warn('photos are refused: no GEMINI_API_KEY to check them (IMAGE_MODERATION=off lets them through unchecked)');
  const photoRecords = new SqlPhotoRecords(infra.sequelize);
  const { service, admin, runner } = createGeneration({
    store,
    tiers,
    router: new FailoverRouter(providerHealth),
    moderator,
    moderation,
    ...(imageModerator ? { imageModerator } : {}),
    // The runner gets the PointCharger, never the raw ledger: no consent and no auto-pay → not one point moves.
    ...chargingPorts(ledger),
    jobs,
    notifier,
    ...(deliveries ? { deliveries } : {}),
    providers: { ...p.providers, local, ...styleProviders },
    mediaStore: p.mediaStore,
    mediaTools: p.mediaTools,
    links,
    clock,
    settings: {
      ...DEFAULT_SETTINGS,
      stepTimeoutMs: config.providers.timeoutMs,
      maxHeight: TIER_MAX_HEIGHT,
      callbackPollIntervalMs: config.providers.callbacks.pollMs,
    },
    ...(p.completions ? { completions: p.completions } : {}),
    log: log.child({ part: 'generation' }),
    ...(localFile ? { localFile } : {}),
    ...(m ? { metrics: m } : {}),
    actionTokens,
  });
  const photoIntake = createPhotoIntake({ store: p.mediaStore, records: photoRecords });
  return {
    generation: service,
    generationAdmin: admin,
    runner,
    ledger,
    store,
    tiers,
    providerHealth,
    moderation,
    styles,
    styleShowcase: new StyleShowcase(styles, styleSamples, p.mediaStore),
    // ➕ Extend animates a video's last frame, stored as the user's photo (same checks and retention).
    actions: new ResultActions({
      tokens: actionTokens,
      store,
      generation: service,
      styles,
      frames: { media: p.mediaStore, tools: p.mediaTools, photos: photoIntake },
    }),
    photoIntake,
    photoRecords,
  };
}
