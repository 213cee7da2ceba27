// Redis down means degraded, not failing: with a redis-server of our own killed under a live connection, shared
// state and the rate limiters answer from this process at once, the log says so once (not once per command or
// reconnect attempt), and once Redis is back (empty) it is used again and that is said once too.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../helpers/own-services.ts';
import { RedisLink } from '../../infra/state/redis-link.ts';
import { RedisState } from '../../infra/state/redis-state.ts';
import { createRateLimits } from '../../infra/state/rate-limiter.ts';

let server: OwnRedis;
beforeAll(async () => {
  server = await startOwnRedis();
}, 30_000);
afterAll(async () => server?.stop());

const lines: string[] = [];
const log = {
  warn: (_o: object, m: string) => void lines.push(m),
  info: (_o: object, m: string) => void lines.push(m),
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis killed and restarted empty', () => {
  it('serves from memory meanwhile, says it once each way, and goes back to Redis', async () => {
    const link = new RedisLink(server.url, log);
    await link.connect();
    const state = new RedisState(link.client, 'vidgo:', link);
    const limits = createRateLimits({ chatPerMinute: 2, ipPerMinute: 100, redis: link.client });
    const probe = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on('error', () => {}); // the test's own client, reconnecting while the server is down
    try {
      expect(await state.setIfAbsent('dedupe:1', '1', 60_000)).toBe(true);
      expect(await probe.get('vidgo:dedupe:1')).toBe('1'); // really in Redis
      expect(lines).toEqual([]);

      await server.kill();
      const started = Date.now();
      for (let i = 0; i < 20; i++) {
        await state.set(`k${i}`, 'v', 60_000);
        expect(await state.get(`k${i}`)).toBe('v');
        expect(await state.incr('count', 60_000)).toBe(i + 1);
        await sleep(100); // ioredis keeps reconnecting meanwhile
      }
      expect(await limits.chat.consume('u1')).toBe(true);
      expect(await limits.chat.consume('u1')).toBe(true);
      expect(await limits.chat.consume('u1')).toBe(false); // still limited, in process
      expect(Date.now() - started).toBeLessThan(6_000); // nothing waited for a reconnect
      expect(link.degraded).toBe(true);
      expect(lines.filter((l) => l.startsWith('Redis unavailable'))).toHaveLength(1);

      await server.start();
      for (let i = 0; i < 100 && !link.ready; i++) await sleep(100);
      expect(link.ready).toBe(true);
      await state.set('after', 'yes', 60_000);
      expect(await probe.get('vidgo:after')).toBe('yes'); // shared again
      expect(await probe.get('vidgo:dedupe:1')).toBeNull(); // it came back empty
      expect(lines.filter((l) => l.startsWith('Redis is back'))).toHaveLength(1);
      expect(lines).toHaveLength(2);
    } finally {
      probe.disconnect();
      await link.close();
    }
  }, 60_000);
});
