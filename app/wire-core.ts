// Wires the generation use case (issue 3, part 2): SQL store and tier catalog, the real SqlLedger, providers and
// media from issue 4, and the ports that are built in later slots (job queue, notifier, magic links), which may
// be handed in as getters so the core slot can run before the jobs, chat and web slots.
import path from 'node:path';
import type { Config } from './config.ts';
import type { Infra } from './infra-setup.ts';
import type { Logger } from './logger.ts';
import type { GenerationAdmin, GenerationRunner, GenerationService, MagicLinks } from '../core/api.ts';
import type { ProviderName } from '../core/model.ts';
import type { Clock, JobQueue, MediaStore, MediaTools, Moderator, Notifier, VideoProvider } from '../core/ports.ts';
import { DEFAULT_SETTINGS, type GenerationStore, type ModerationPolicy, type Router, type TierCatalog } from '../core/generation/types.ts';
import { createGeneration } from '../core/generation/service.ts';
import { SqlGenerationStore } from '../infra/db/repos/generation-repo.ts';
import { SqlTierCatalog } from '../infra/db/repos/tier-catalog.ts';
import { SqlLedger } from '../infra/db/sql-ledger.ts';
import { createLocalRenderer } from '../infra/providers/local.ts';

type Late<T> = T | (() => T);
const now = <T>(v: Late<T>): T => (typeof v === 'function' ? (v as () => T)() : v);

export interface CoreParts {
  config: Config;
  infra: Infra;
  log: Logger;
  clock: Clock;
  providers: Partial<Record<ProviderName, VideoProvider>>;
  mediaStore: MediaStore;
  mediaTools: MediaTools;
  jobQueue: Late<JobQueue>;
  notifier: Late<Notifier>;
  magicLinks: Late<MagicLinks>;
  /** LEDGER's failover planner + ProviderHealth + consent guard, behind core/generation/types.ts#Router. */
  router: Router;
  /** LEDGER's Moderator (Gemini + keyword fallback) and its policy (strikes, bans, appeals). */
  moderator: Moderator;
  moderation: ModerationPolicy;
}

export interface CoreWiring {
  generation: GenerationService;
  generationAdmin: GenerationAdmin;
  runner: GenerationRunner;
  ledger: SqlLedger;
  store: GenerationStore;
  tiers: TierCatalog;
}

export function wireCore(p: CoreParts): CoreWiring {
  const { config, infra, log, clock } = p;
  const ledger = new SqlLedger(infra.sequelize, clock);
  const store = new SqlGenerationStore(infra.sequelize);
  const tiers = new SqlTierCatalog(infra.sequelize);
  // Smart Demo always renders locally, even when every provider slot has a real key.
  const local = p.providers.local?.local ? p.providers.local : createLocalRenderer('local', { dir: path.join(config.dataDir, 'local-renders') });
  const jobs: JobQueue = {
    enqueueGeneration: (id, o) => now(p.jobQueue).enqueueGeneration(id, o),
    position: (id) => now(p.jobQueue).position(id),
    cancelGeneration: (id) => now(p.jobQueue).cancelGeneration(id),
  };
  const notifier: Notifier = { push: (t, r, o) => now(p.notifier).push(t, r, o) };
  const links: MagicLinks = { linkFor: (u, path_) => now(p.magicLinks).linkFor(u, path_), galleryUrl: (id) => now(p.magicLinks).galleryUrl(id) };
  const { service, admin, runner } = createGeneration({
    store, tiers, router: p.router, moderator: p.moderator, moderation: p.moderation, ledger, jobs, notifier,
    providers: { ...p.providers, local }, mediaStore: p.mediaStore, mediaTools: p.mediaTools, links, clock,
    settings: { ...DEFAULT_SETTINGS, stepTimeoutMs: config.providers.timeoutMs },
    log: log.child({ part: 'generation' }),
  });
  return { generation: service, generationAdmin: admin, runner, ledger, store, tiers };
}
