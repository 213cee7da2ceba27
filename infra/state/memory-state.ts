// In-process SharedState for a single instance with no REDIS_URL.
import type { SharedState } from '../../core/ports.ts';

export class MemoryState implements SharedState {
  private readonly data = new Map<string, { value: string; expires: number }>();

  private live(key: string) {
    const e = this.data.get(key);
    if (e && e.expires <= Date.now()) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }
  async set(key: string, value: string, ttlMs?: number) {
    this.data.set(key, { value, expires: ttlMs ? Date.now() + ttlMs : Number.POSITIVE_INFINITY });
  }
  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }
  async incr(key: string, ttlMs: number) {
    const e = this.live(key);
    const n = (e ? Number(e.value) : 0) + 1;
    this.data.set(key, { value: String(n), expires: e?.expires ?? Date.now() + ttlMs });
    return n;
  }
  async del(key: string) {
    this.data.delete(key);
  }
}
