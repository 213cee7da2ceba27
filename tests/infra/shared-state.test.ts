// The two SharedState implementations behave alike: Redis (real server) and in-process.
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryState } from '../../infra/state/memory-state.ts';
import { createTestRedis } from '../helpers/redis.ts';
import type { SharedState } from '../../core/ports.ts';

const r = createTestRedis();
afterAll(() => r.close());

for (const [name, state] of [
  ['redis', r.state],
  ['memory', new MemoryState()],
] as [string, SharedState][]) {
  describe(`${name} state`, () => {
    it('sets, gets, expires and deletes', async () => {
      await state.set('a', '1');
      expect(await state.get('a')).toBe('1');
      await state.set('b', '2', 30);
      await new Promise((res) => setTimeout(res, 60));
      expect(await state.get('b')).toBeNull();
      await state.del('a');
      expect(await state.get('a')).toBeNull();
    });

    it('setIfAbsent lets exactly one of many concurrent callers win', async () => {
      const wins = await Promise.all(Array.from({ length: 20 }, () => state.setIfAbsent('once', 'x', 10_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('incr counts within a window', async () => {
      const n = await Promise.all(Array.from({ length: 5 }, () => state.incr('ctr', 10_000)));
      expect(n.sort()).toEqual([1, 2, 3, 4, 5]);
    });
  });
}
