// A counting limiter with rate-limiter-flexible: Redis when configured (shared by every instance, with an in-memory
// insurance limiter for Redis outages), else in process. consume() is false once `points` are used in the window.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ChatRateLimiter } from '../../core/commands/ports.ts';

export interface Limiter {
  consume(key: string): Promise<boolean>;
}

export function createLimiter(name: string, points: number, durationSeconds: number, redis?: Redis): Limiter {
  const opts = { keyPrefix: `rl:${name}`, points, duration: durationSeconds };
  // rejectIfRedisNotReady: while Redis is down the insurance limiter answers at once (no wait for a reconnect).
  const l = redis
    ? new RateLimiterRedis({
        ...opts,
        storeClient: redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(opts),
      })
    : new RateLimiterMemory(opts);
  return {
    async consume(key) {
      try {
        await l.consume(key);
        return true;
      } catch (err) {
        if (err instanceof RateLimiterRes) return false;
        throw err;
      }
    },
  };
}

/** The chat's limits: per chat user (commands) and per IP (webhook requests that fail verification). */
export interface RateLimits {
  chat: ChatRateLimiter;
  ip: ChatRateLimiter;
}

export function createRateLimits(opts: {
  chatPerMinute: number;
  ipPerMinute: number;
  redis?: Redis;
  prefix?: string;
}): RateLimits {
  const p = opts.prefix ?? '';
  return {
    chat: createLimiter(`${p}chat`, opts.chatPerMinute, 60, opts.redis),
    ip: createLimiter(`${p}ip`, opts.ipPerMinute, 60, opts.redis),
  };
}
