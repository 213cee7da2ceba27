// A real Redis connection for tests, with a key prefix of its own so files never see each other's keys.
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisState } from '../../infra/state/redis-state.ts';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export function createTestRedis() {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
  const prefix = `vidgo-test:${crypto.randomBytes(4).toString('hex')}:`;
  return {
    redis,
    prefix,
    state: new RedisState(redis, prefix),
    async close() {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}
