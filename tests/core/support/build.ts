// One test world for the generation use case: a fresh migrated PostgreSQL database, real Redis, the real
// SqlLedger behind the PointCharger, the FailoverRouter on ProviderHealth (Redis) and ModerationPolicy
// (keyword filter, SQL repository) as app/wire-core.ts wires them, the local renderer, disk store and
// ffmpeg tools, scripted paid providers and recorders.
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDb } from '../../helpers/db.ts';
import { createTestRedis } from '../../helpers/redis.ts';
import { SqlLedger } from '../../../infra/db/sql-ledger.ts';
import { SqlGenerationStore } from '../../../infra/db/generation-repo.ts';
import { SqlTierCatalog } from '../../../infra/db/tier-catalog.ts';
import { createLocalRenderer } from '../../../infra/providers/local.ts';
import { createDiskStore } from '../../../infra/media/disk-store.ts';
import { createMediaTools } from '../../../infra/media/ffmpeg-tools.ts';
import { createGeneration } from '../../../core/generation/service.ts';
import type { GenerationDeps } from '../../../core/generation/deps.ts';
import { DEFAULT_SETTINGS } from '../../../core/generation/types.ts';
import type { Account, TierSlug } from '../../../core/api.ts';
import type { VideoProvider } from '../../../core/ports.ts';
import { systemClock } from '../../../core/ports.ts';
import { ScriptedProvider } from './scripted-provider.ts';
import { renderSampleUrl } from './sample-video.ts';
import { RecordingNotifier, RecordingQueue, links } from './recorders.ts';
import { chargingPorts } from '../../../core/ledger/index.ts';
import { FailoverRouter, ProviderHealth } from '../../../core/failover/index.ts';
import { ModerationPolicy } from '../../../core/moderation/index.ts';
import { createModerator } from '../../../infra/moderation/index.ts';
import { SqlModerationRepository } from '../../../infra/db/moderation-repo.ts';
import type { ProviderName } from '../../../core/model.ts';

export async function buildWorld() {
  const db: TestDb = await createTestDatabase({ poolMax: 5 });
  const redis = createTestRedis();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vidgo-core-test-'));
  const ledger = new SqlLedger(db.sequelize, systemClock);
  const store = new SqlGenerationStore(db.sequelize);
  const local = createLocalRenderer('local', {
    dir: path.join(dir, 'renders'),
    durationSeconds: 1,
    width: 320,
    height: 180,
  });
  const localSubmits = { n: 0 };
  const countedLocal: VideoProvider = {
    ...local,
    name: 'local',
    local: true,
    submit: (r, s) => (localSubmits.n++, local.submit(r, s)),
  };
  const mediaStore = createDiskStore({ root: path.join(dir, 'media'), publicBaseUrl: 'https://vidgo.test' });
  const mediaTools = createMediaTools({ tmpDir: path.join(dir, 'tmp') });

  // One real MP4 that the scripted providers "produce".
  const sampleUrl = await renderSampleUrl(local);
  const paid = {
    leonardo: new ScriptedProvider('leonardo', () => sampleUrl),
    runway: new ScriptedProvider('runway', () => sampleUrl),
    pollo: new ScriptedProvider('pollo', () => sampleUrl),
    goenhance: new ScriptedProvider('goenhance', () => sampleUrl),
  };
  // One failed call marks a provider down here, so a single scripted failure shows in the next plan.
  const health = new ProviderHealth(redis.state, systemClock, { failureThreshold: 1 });
  const router = {
    health,
    /** Forces a provider down (admin override) or back to auto with a clean streak. */
    async setDown(p: ProviderName, down: boolean) {
      if (down) await health.setOverride(p, 'off');
      else await Promise.all([health.setOverride(p, 'auto'), health.recordSuccess(p)]);
    },
  };
  const policy = new ModerationPolicy(new SqlModerationRepository(db.sequelize), systemClock, {
    banThreshold: 3,
    banWindowHours: 24,
  });
  // The production moderator without a Gemini key: the keyword filter, with the admins' overrides.
  const moderator = createModerator({ model: 'gemini-2.5-flash', timeoutMs: 1_000 }, policy.keywordOverrides());
  const notifier = new RecordingNotifier();
  const jobs = new RecordingQueue();
  const deps: GenerationDeps = {
    store,
    tiers: new SqlTierCatalog(db.sequelize),
    router: new FailoverRouter(health),
    moderator,
    moderation: policy,
    ...chargingPorts(ledger),
    jobs,
    notifier,
    providers: { ...paid, local: countedLocal },
    mediaStore,
    mediaTools,
    links,
    clock: systemClock,
    localFile: (key) => mediaStore.pathOf(key),
    settings: { ...DEFAULT_SETTINGS, pollIntervalMs: 5, stepTimeoutMs: 5_000, progressEveryMs: 0 },
    log: { info() {}, warn() {} },
  };
  const gen = createGeneration(deps);

  let n = 0;
  async function account(
    tier: TierSlug,
    opts: { autoPay?: boolean; purchased?: number; monthly?: boolean } = {},
  ): Promise<Account> {
    const [u] = await db.sequelize.query<{ id: string }>(
      `INSERT INTO users (display_name, auto_pay) VALUES (:name, :autoPay) RETURNING id`,
      { replacements: { name: `u${++n}`, autoPay: Boolean(opts.autoPay) }, type: QueryTypes.SELECT },
    );
    const userId = u!.id;
    const [ident] = await db.sequelize.query<{ id: string }>(
      `INSERT INTO chat_identities (user_id, platform, platform_user_id, chat_id)
      VALUES (:userId, 'console', :pid, :chat) RETURNING id`,
      { replacements: { userId, pid: `p-${n}`, chat: `chat-${n}` }, type: QueryTypes.SELECT },
    );
    if (tier !== 'demo') {
      await db.sequelize.query(
        `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
        SELECT :userId, id, 'active', now(), now() + interval '30 days' FROM plans WHERE slug = :tier`,
        { replacements: { userId, tier } },
      );
      if (opts.monthly) await ledger.allocateMonthly(userId, await deps.tiers.features(tier), '2026-11');
    }
    if (opts.purchased) await ledger.credit(userId, 'purchased', opts.purchased, 'purchase', `test:${userId}:buy`);
    return {
      userId,
      identityId: ident!.id,
      locale: 'en',
      isAdmin: false,
      autoPay: Boolean(opts.autoPay),
      tier,
      banned: false,
      target: { platform: 'console', chatId: `chat-${n}`, platformUserId: `p-${n}`, locale: 'en' },
    };
  }

  const run = (id: string, signal = new AbortController().signal) =>
    gen.runner.run(id, { signal, touch: async () => {} });
  const ledgerRows = async (userId: string) =>
    (
      await db.sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM point_ledger WHERE user_id = :userId', {
        replacements: { userId },
        type: QueryTypes.SELECT,
      })
    )[0]!.n;
  const reservations = async (userId: string) =>
    (
      await db.sequelize.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM point_reservations WHERE user_id = :userId',
        { replacements: { userId }, type: QueryTypes.SELECT },
      )
    )[0]!.n;

  return {
    db,
    redis,
    deps,
    gen,
    paid,
    router,
    notifier,
    jobs,
    ledger,
    store,
    account,
    run,
    ledgerRows,
    reservations,
    localSubmits,
    dir,
    mediaStore,
    mediaTools,
    /** Every scripted provider back to 'ok' with no submissions recorded, and none forced down. */
    async resetProviders() {
      for (const p of Object.values(paid)) {
        p.script = 'ok';
        p.submissions.length = 0;
      }
      for (const p of ['leonardo', 'runway', 'pollo', 'goenhance'] as const) await router.setDown(p, false);
    },
    /** The id of the last generation this user created. */
    async lastId(userId: string) {
      const { items } = await store.listForUser(userId, 1, 0);
      return items[0]!.id;
    },
    async close() {
      await redis.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;
export const keys = (replies: { kind: string; message?: { key: string } }[]) =>
  replies.map((r) => (r.message ? r.message.key : r.kind));
