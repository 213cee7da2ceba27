// Provider health over SharedState, on the real Redis (shared by instances) and in memory.
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryState } from '../../infra/state/memory-state.ts';
import { createTestRedis } from '../helpers/redis.ts';
import { ProviderError, systemClock, type SharedState, type VideoProvider } from '../../core/ports.ts';
import { ProviderHealth } from '../../core/failover/index.ts';
import type { ProviderName } from '../../core/model.ts';

const r = createTestRedis();
afterAll(() => r.close());
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

function probeOnly(name: ProviderName, probe: VideoProvider['probe']): VideoProvider {
  const no = () => Promise.reject(new Error('not in this test'));
  return { name, probe, submit: no, poll: no, cancel: no };
}

let n = 0;
for (const [kind, make] of [
  ['redis', () => r.state],
  ['memory', () => new MemoryState()],
] as [string, () => SharedState][]) {
  describe(`ProviderHealth on ${kind}`, () => {
    const fresh = (opts = {}) => {
      // a key space of its own per test on the shared Redis
      const state = make();
      const prefix = `t${n++}:`;
      const scoped: SharedState = {
        get: (k) => state.get(prefix + k),
        set: (k, v, t) => state.set(prefix + k, v, t),
        setIfAbsent: (k, v, t) => state.setIfAbsent(prefix + k, v, t),
        incr: (k, t) => state.incr(prefix + k, t),
        del: (k) => state.del(prefix + k),
      };
      return { scoped, health: new ProviderHealth(scoped, systemClock, { coolDownMs: 150, ...opts }) };
    };

    it('marks a provider down after 3 consecutive failures, for the cool-down, then tries it again', async () => {
      const { health } = fresh();
      expect(await health.recordFailure('leonardo', new ProviderError('leonardo', 'server_error', '502', true))).toBe(
        false,
      );
      expect(await health.recordFailure('leonardo', new ProviderError('leonardo', 'timeout', 'slow', true))).toBe(
        false,
      );
      expect(await health.isUp('leonardo')).toBe(true);
      expect(await health.recordFailure('leonardo', new ProviderError('leonardo', 'timeout', 'slow', true))).toBe(true);
      expect(await health.isUp('leonardo')).toBe(false);
      expect((await health.healthMap()).leonardo).toBe(false);
      expect((await health.healthMap()).runway).toBe(true);
      const snap = (await health.snapshot()).find((s) => s.provider === 'leonardo')!;
      expect(snap).toMatchObject({ up: false, override: 'auto', consecutiveFailures: 3, lastError: 'timeout: slow' });
      expect(snap.downUntil).toBeInstanceOf(Date);
      await sleep(200);
      expect(await health.isUp('leonardo')).toBe(true); // cool-down over: tried again
      expect(await health.recordFailure('leonardo', new Error('still broken'))).toBe(true); // one more failure: down again
    });

    it('a success in between resets the streak; a success while down brings it back at once', async () => {
      const { health } = fresh({ coolDownMs: 60_000 });
      await health.recordFailure('runway');
      await health.recordFailure('runway');
      await health.recordSuccess('runway');
      expect(await health.recordFailure('runway')).toBe(false);
      await health.recordFailure('runway');
      expect(await health.recordFailure('runway')).toBe(true);
      await health.recordSuccess('runway');
      expect(await health.isUp('runway')).toBe(true);
    });

    it("ignores failures that are not the provider's fault", async () => {
      const { health } = fresh();
      for (let i = 0; i < 5; i++)
        await health.recordFailure('pollo', new ProviderError('pollo', 'rejected_content', 'nsfw', false));
      for (let i = 0; i < 5; i++)
        await health.recordFailure('pollo', new ProviderError('pollo', 'bad_request', 'bad', false));
      expect(await health.isUp('pollo')).toBe(true);
    });

    it('admin override on/off/auto', async () => {
      const { health } = fresh({ coolDownMs: 60_000 });
      await health.setOverride('goenhance', 'off');
      expect(await health.isUp('goenhance')).toBe(false);
      for (let i = 0; i < 3; i++) await health.recordFailure('leonardo');
      await health.setOverride('leonardo', 'on');
      expect(await health.isUp('leonardo')).toBe(true);
      expect((await health.snapshot()).find((s) => s.provider === 'leonardo')).toMatchObject({
        up: true,
        override: 'on',
      });
      await health.setOverride('leonardo', 'auto');
      expect(await health.isUp('leonardo')).toBe(false);
      await health.setOverride('goenhance', 'auto');
      expect(await health.isUp('goenhance')).toBe(true);
    });

    it('probes: success brings a provider back, failure and a hang count against it', async () => {
      const { health } = fresh({ coolDownMs: 60_000, failureThreshold: 1 });
      await health.recordFailure('leonardo');
      const result = await health.probeAll(
        [
          probeOnly('leonardo', async () => true),
          probeOnly('runway', async () => false),
          probeOnly(
            'pollo',
            (signal) =>
              new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')))),
          ),
        ],
        100,
      );
      expect(result).toEqual({ leonardo: true, runway: false, pollo: false });
      expect(await health.healthMap()).toMatchObject({ leonardo: true, runway: false, pollo: false, goenhance: true });
      expect((await health.snapshot()).find((s) => s.provider === 'pollo')!.lastError).toMatch(/timed out/);
    });
  });
}

describe('ProviderHealth across instances', () => {
  it('two instances on one Redis see the same state', async () => {
    const a = new ProviderHealth(r.state, systemClock, { coolDownMs: 60_000 });
    const b = new ProviderHealth(r.state, systemClock, { coolDownMs: 60_000 });
    await a.recordFailure('runway');
    await b.recordFailure('runway');
    await a.recordFailure('runway');
    expect(await b.isUp('runway')).toBe(false);
    await b.recordSuccess('runway');
    expect(await a.isUp('runway')).toBe(true);
  });
});
