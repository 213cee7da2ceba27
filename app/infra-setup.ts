// Opens the shared infrastructure (database, Redis) from the configuration, embedded defaults included.
import type { Redis } from 'ioredis';
import type { Sequelize } from 'sequelize';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { startEmbeddedPostgres, type EmbeddedDb } from '../infra/db/embedded-postgres.ts';
import { createSequelize } from '../infra/db/sequelize.ts';
import { migrateUp } from '../infra/db/migrate.ts';
import type { SharedState } from '../core/ports.ts';
import { MemoryState } from '../infra/state/memory-state.ts';
import { RedisState } from '../infra/state/redis-state.ts';

export interface Infra {
  databaseUrl: string;
  sequelize: Sequelize;
  redis?: Redis;
  state: SharedState;
  close(): Promise<void>;
}

export async function openInfra(config: Config, log: Logger): Promise<Infra> {
  let embedded: EmbeddedDb | undefined;
  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, config.database.embeddedPort, log);
    databaseUrl = embedded.url;
  }
  const sequelize = createSequelize(databaseUrl, { poolMax: config.database.poolMax, log });
  try {
    await sequelize.authenticate();
    await migrateUp(sequelize, databaseUrl, log);
  } catch (err) {
    await sequelize.close().catch(() => {});
    await embedded?.stop().catch(() => {});
    throw err;
  }

  let redis: Redis | undefined;
  let state: SharedState;
  if (config.redisUrl) {
    // Loaded only when configured (one instance on in-process state never pays for it).
    const { Redis } = await import('ioredis');
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: true });
    redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
    await redis.connect();
    state = new RedisState(redis);
  } else {
    log.warn('REDIS_URL not set: rate limits, provider health and dedupe live in this process (single instance only)');
    state = new MemoryState();
  }

  return {
    databaseUrl,
    sequelize,
    redis,
    state,
    async close() {
      if (redis) await redis.quit().catch(() => redis!.disconnect());
      await sequelize.close().catch((err) => log.warn({ err }, 'closing database pool'));
      if (embedded) await embedded.stop().catch((err) => log.warn({ err }, 'stopping embedded PostgreSQL'));
    },
  };
}
