// Durable delivery in the use case: with a delivery queue the runner only schedules the final message; the
// delivery (GenerationRunner.deliver, the job's work) claims, pushes and confirms it once; a failed push hands the
// claim back; a claim whose sender died is taken over only where the platform deduplicates (resendAfterMs).
// Until delivered, /status, /history and the gallery say "ready, not yet delivered".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../core/model.ts';
import type { Notifier } from '../../core/ports.ts';
import { createGeneration } from '../../core/generation/service.ts';
import { buildWorld, keys, type World } from './support/build.ts';

let w: World;
beforeAll(async () => {
  w = await buildWorld();
  await w.resetProviders();
}, 60_000);
afterAll(async () => w?.close());

const scheduled: { id: string; platform: Platform }[] = [];
let failPushes = 0;
const pushed: string[] = [];
const notifier: Notifier = {
  async push(_t, replies, opts) {
    if (failPushes > 0 && failPushes--) throw new Error('platform API 500');
    if (opts?.idempotencyKey?.endsWith(':final')) pushed.push(opts.idempotencyKey);
    void replies;
  },
};
const durable = () =>
  createGeneration({
    ...w.deps,
    notifier,
    deliveries: { scheduleFinal: async (id, platform) => void scheduled.push({ id, platform }) },
  });

async function finished() {
  const g = durable();
  const a = await w.account('starter');
  expect(keys((await g.service.request(a, { kind: 'video', prompt: 'a kite over the sea' })) as never)).toEqual([
    'core.queued',
  ]);
  const id = await w.lastId(a.userId);
  expect(await g.runner.run(id, { signal: new AbortController().signal, touch: async () => {} })).toBe('done');
  return { g, a, id };
}

describe('durable delivery', () => {
  it('a finished video waits, is said to be ready but not delivered, then is sent once', async () => {
    const { g, a, id } = await finished();
    expect((await w.store.get(id))!).toMatchObject({ status: 'succeeded', deliveredAt: null, deliveryClaimedAt: null });
    expect(scheduled.filter((s) => s.id === id)).toEqual([{ id, platform: 'console' }]);
    expect(pushed).not.toContain(`generation:${id}:final`);
    expect(keys((await g.service.status(a)) as never)).toEqual(['core.status.undelivered']);
    expect(keys((await g.service.history(a)) as never)).toEqual(['core.history.undelivered']);
    expect((await g.service.list(a.userId, { limit: 5, offset: 0 })).items[0]).toMatchObject({
      id,
      status: 'succeeded',
      delivered: false,
    });

    expect(await g.runner.deliver(id)).toBe('sent');
    expect(pushed.filter((k) => k === `generation:${id}:final`)).toHaveLength(1);
    expect((await w.store.get(id))!.deliveredAt).toBeInstanceOf(Date);
    expect(keys((await g.service.status(a)) as never)).toEqual(['core.status.none']);
    expect(keys((await g.service.history(a)) as never)).toEqual(['core.history.succeeded']);
    expect((await g.service.get(a.userId, id))!.delivered).toBe(true);
    expect(await g.runner.deliver(id)).toBe('nothing');
    // A run resumed after the end schedules (a no-op for the unique job) but never pushes again.
    await g.runner.run(id, { signal: new AbortController().signal, touch: async () => {} });
    expect(pushed.filter((k) => k === `generation:${id}:final`)).toHaveLength(1);
  });

  it('a failed push hands the claim back, and the retry sends it', async () => {
    const { g, id } = await finished();
    failPushes = 1;
    await expect(g.runner.deliver(id)).rejects.toThrow(/500/);
    expect((await w.store.get(id))!).toMatchObject({ deliveredAt: null, deliveryClaimedAt: null });
    expect(await g.runner.deliver(id)).toBe('sent');
    expect(pushed.filter((k) => k === `generation:${id}:final`)).toHaveLength(1);
  });

  it('a claim left by a sender that died mid-push: held elsewhere; taken over after resendAfterMs where the platform dedupes', async () => {
    const { g, id } = await finished();
    await w.db.sequelize.query(
      `UPDATE generations SET delivery_claimed_at = now() - interval '1 minute' WHERE id = :id`,
      { replacements: { id } },
    );
    expect(await g.runner.deliver(id)).toBe('held');
    expect(await g.runner.deliver(id, { resendAfterMs: 120_000 })).toBe('held');
    await w.db.sequelize.query(
      `UPDATE generations SET delivery_claimed_at = now() - interval '3 minutes' WHERE id = :id`,
      { replacements: { id } },
    );
    expect(await g.runner.deliver(id)).toBe('held'); // at most once where the platform cannot dedupe
    expect(await g.runner.deliver(id, { resendAfterMs: 120_000 })).toBe('sent');
    expect((await w.store.get(id))!.deliveredAt).toBeInstanceOf(Date);
  });
});
