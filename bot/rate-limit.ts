// Rate limits per chat user and per IP on the webhook routes (infra/state/rate-limiter.ts: Redis or in process).
import type { Redis } from 'ioredis';
import type { ChatRateLimiter } from '../core/commands/ports.ts';
import { createLimiter } from '../infra/state/rate-limiter.ts';

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
