// Rate limits with rate-limiter-flexible: Redis when configured (shared by every instance, with an in-memory
// insurance limiter for Redis outages), else in process. Per chat user and per IP on the webhook routes.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { ChatRateLimiter } from '../core/commands/ports.ts';

function limiter(name: string, perMinute: number, redis?: Redis): RateLimiterAbstract {
  const opts = { keyPrefix: `rl:${name}`, points: perMinute, duration: 60 };
  if (!redis) return new RateLimiterMemory(opts);
  // rejectIfRedisNotReady: while Redis is down the insurance limiter answers at once (no wait for a reconnect).
  return new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(opts) });
}

async function consume(l: RateLimiterAbstract, key: string): Promise<boolean> {
  try {
    await l.consume(key);
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    throw err;
  }
}

export interface RateLimits {
  chat: ChatRateLimiter;
  ip: ChatRateLimiter;
}

export function createRateLimits(opts: { chatPerMinute: number; ipPerMinute: number; redis?: Redis; prefix?: string }): RateLimits {
  const p = opts.prefix ?? '';
  const chat = limiter(`${p}chat`, opts.chatPerMinute, opts.redis);
  const ip = limiter(`${p}ip`, opts.ipPerMinute, opts.redis);
  return { chat: { consume: (k) => consume(chat, k) }, ip: { consume: (k) => consume(ip, k) } };
}
