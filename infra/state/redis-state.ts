// SharedState on Redis, shared by every instance. While Redis is unreachable (RedisLink says so, or a command
// fails) each call is answered by an in-process MemoryState instead: single-instance semantics for the spell
// (a dedupe key or a cached language held here only), never a failed chat command.
import type { Redis } from 'ioredis';
import type { SharedState } from '../../core/ports.ts';
import { MemoryState } from './memory-state.ts';

export interface RedisAvailability {
  readonly ready: boolean;
  degrade(reason: string): void;
}

export class RedisState implements SharedState {
  private readonly local = new MemoryState();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'vidgo:',
    private readonly link?: RedisAvailability,
  ) {}

  /** Redis when it is up, else (or when the command fails) the in-process stand-in. */
  private async either<T>(remote: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (this.link && !this.link.ready) return local();
    try {
      return await remote();
    } catch (err) {
      if (!this.link) throw err;
      this.link.degrade((err as Error).message);
      return local();
    }
  }

  get(key: string) {
    return this.either(
      () => this.redis.get(this.prefix + key),
      () => this.local.get(key),
    );
  }
  set(key: string, value: string, ttlMs?: number) {
    return this.either(
      async () => {
        if (ttlMs) await this.redis.set(this.prefix + key, value, 'PX', ttlMs);
        else await this.redis.set(this.prefix + key, value);
      },
      () => this.local.set(key, value, ttlMs),
    );
  }
  setIfAbsent(key: string, value: string, ttlMs: number) {
    return this.either(
      async () => (await this.redis.set(this.prefix + key, value, 'PX', ttlMs, 'NX')) === 'OK',
      () => this.local.setIfAbsent(key, value, ttlMs),
    );
  }
  incr(key: string, ttlMs: number) {
    const k = this.prefix + key;
    return this.either(
      async () => {
        const [[, n]] = (await this.redis.multi().incr(k).pexpire(k, ttlMs, 'NX').exec()) as [[null, number], unknown];
        return n;
      },
      () => this.local.incr(key, ttlMs),
    );
  }
  del(key: string) {
    return this.either(
      async () => void (await this.redis.del(this.prefix + key)),
      () => this.local.del(key),
    );
  }
}
