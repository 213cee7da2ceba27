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
import type { RedisLink } from '../infra/state/redis-link.ts';

export interface Infra {
  databaseUrl: string;
  sequelize: Sequelize;
  redis?: Redis;
  /** Whether Redis is reachable right now (absent without REDIS_URL). */
  redisLink?: RedisLink;
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

  let redisLink: RedisLink | undefined;
  let state: SharedState;
  if (config.redisUrl) {
    // Loaded only when configured (one instance on in-process state never pays for ioredis).
    const { RedisLink } = await import('../infra/state/redis-link.ts');
    redisLink = new RedisLink(config.redisUrl, log);
    await redisLink.connect();
    state = new RedisState(redisLink.client, 'vidgo:', redisLink);
  } else {
    log.warn('REDIS_URL not set: rate limits, provider health and dedupe live in this process (single instance only)');
    state = new MemoryState();
  }

  return {
    databaseUrl,
    sequelize,
    redis: redisLink?.client,
    redisLink,
    state,
    async close() {
      await redisLink?.close();
      await sequelize.close().catch((err) => log.warn({ err }, 'closing database pool'));
      if (embedded) await embedded.stop().catch((err) => log.warn({ err }, 'stopping embedded PostgreSQL'));
    },
  };
}
