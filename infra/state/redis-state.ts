// SharedState on Redis, shared by every instance.
import type { Redis } from 'ioredis';
import type { SharedState } from '../../core/ports.ts';

export class RedisState implements SharedState {
  constructor(private readonly redis: Redis, private readonly prefix = 'vidgo:') {}

  async get(key: string) {
    return this.redis.get(this.prefix + key);
  }
  async set(key: string, value: string, ttlMs?: number) {
    if (ttlMs) await this.redis.set(this.prefix + key, value, 'PX', ttlMs);
    else await this.redis.set(this.prefix + key, value);
  }
  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.redis.set(this.prefix + key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }
  async incr(key: string, ttlMs: number) {
    const k = this.prefix + key;
    const [[, n]] = (await this.redis.multi().incr(k).pexpire(k, ttlMs, 'NX').exec()) as [[null, number], unknown];
    return n;
  }
  async del(key: string) {
    await this.redis.del(this.prefix + key);
  }
}
