// The test side of crash-real-runner.test.ts: core wired as the app wires it (the bot/web process that takes the
// request and enqueues), a Starter user with auto-pay and purchased points, and a real MP4 for the fake provider.
import path from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createLogger } from '../../app/logger.ts';
import { loadConfig } from '../../app/config.ts';
import { wireCore } from '../../app/wire-core.ts';
import type { Account } from '../../core/api.ts';
import { systemClock, type JobQueue } from '../../core/ports.ts';
import type { SqlLedger } from '../../infra/db/sql-ledger.ts';
import { createDiskStore } from '../../infra/media/disk-store.ts';
import { createMediaTools } from '../../infra/media/ffmpeg-tools.ts';
import { createLocalRenderer } from '../../infra/providers/local.ts';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TestDb } from '../helpers/db.ts';
import { renderSampleUrl } from '../core/support/sample-video.ts';
import type { createTestRedis } from '../helpers/redis.ts';

export function producerCore(db: TestDb, redis: ReturnType<typeof createTestRedis>, dir: string, jobQueue: JobQueue) {
  return wireCore({
    config: loadConfig({ DATABASE_URL: db.url, DATA_DIR: path.join(dir, 'data') }),
    infra: {
      databaseUrl: db.url,
      sequelize: db.sequelize,
      redis: redis.redis,
      state: redis.state,
      close: async () => {},
    },
    log: createLogger('silent', false),
    clock: systemClock,
    providers: {},
    mediaStore: createDiskStore({ root: path.join(dir, 'media'), publicBaseUrl: 'https://vidgo.test/media' }),
    mediaTools: createMediaTools({ tmpDir: path.join(dir, 'tmp') }),
    jobQueue,
    notifier: { push: async () => {} },
    magicLinks: {
      linkFor: async (u, p) => `https://vidgo.test/l/${u}?to=${p}`,
      galleryUrl: (id) => `https://vidgo.test/g/${id}`,
    },
  });
}

/** A one-second 320×180 H.264 clip from the local renderer. */
export async function renderSample(dir: string): Promise<Buffer> {
  const local = createLocalRenderer('local', {
    dir: path.join(dir, 'sample'),
    durationSeconds: 1,
    width: 320,
    height: 180,
  });
  return readFile(fileURLToPath(await renderSampleUrl(local, 1200)));
}

/** A Starter subscriber (720p unlimited on Leonardo/Runway, else points) with auto-pay and purchased points. */
export async function starterAutoPay(sequelize: Sequelize, ledger: SqlLedger, points: number): Promise<Account> {
  const q = <T extends object>(sql: string, replacements: Record<string, unknown>) =>
    sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  const [u] = await q<{ id: string }>(
    `INSERT INTO users (display_name, auto_pay) VALUES ('crash', true) RETURNING id`,
    {},
  );
  const userId = u!.id;
  const [ident] = await q<{ id: string }>(
    `INSERT INTO chat_identities (user_id, platform, platform_user_id, chat_id)
    VALUES (:userId, 'console', 'p-crash', 'chat-crash') RETURNING id`,
    { userId },
  );
  await sequelize.query(
    `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date)
    SELECT :userId, id, 'active', now(), now() + interval '30 days' FROM plans WHERE slug = 'starter'`,
    { replacements: { userId } },
  );
  await ledger.credit(userId, 'purchased', points, 'purchase', `test:${userId}:buy`);
  return {
    userId,
    identityId: ident!.id,
    locale: 'en',
    isAdmin: false,
    autoPay: true,
    tier: 'starter',
    banned: false,
    target: { platform: 'console', chatId: 'chat-crash', platformUserId: 'p-crash', locale: 'en' },
  };
}
