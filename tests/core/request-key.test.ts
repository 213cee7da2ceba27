// One generation per chat event: the dispatcher's requestKey makes a replayed or concurrent repeat of the same
// request answer about the first generation, with one reservation and one job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, keys, type World } from './support/build.ts';

let w: World;
beforeAll(async () => {
  w = await buildWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('requestKey', () => {
  it('the same event twice in a row: one generation, one hold, one job; the repeat hears the queue place', async () => {
    await w.router.setDown('leonardo', true);
    await w.router.setDown('runway', true);
    const a = await w.account('starter', { autoPay: true, purchased: 30 });
    const first = await w.gen.service.request(a, { kind: 'video', prompt: 'lanterns', requestKey: 'line:ev-1' });
    expect(keys(first as never)).toEqual(['core.queued', 'core.reserved']);
    const again = await w.gen.service.request(a, { kind: 'video', prompt: 'lanterns', requestKey: 'line:ev-1' });
    expect(keys(again as never)).toEqual(['core.queued']);
    expect((await w.store.listForUser(a.userId, 10, 0)).total).toBe(1);
    expect(await w.reservations(a.userId)).toBe(1);
    expect((await w.ledger.balance(a.userId)).purchased).toBe(25);
    const id = await w.lastId(a.userId);
    expect(w.jobs.enqueued.filter((e) => e.id === id)).toHaveLength(1);
    // After it finished, the repeat gets the receipt, not a new video.
    await w.run(id);
    expect(
      keys((await w.gen.service.request(a, { kind: 'video', prompt: 'lanterns', requestKey: 'line:ev-1' })) as never),
    ).toEqual(['core.receipt.charged_purchased']);
    expect((await w.store.listForUser(a.userId, 10, 0)).total).toBe(1);
    await w.router.setDown('leonardo', false);
    await w.router.setDown('runway', false);
  });

  it('ten at once with one key: one generation and one job', async () => {
    const a = await w.account('demo');
    const all = await Promise.all(
      Array.from({ length: 10 }, () =>
        w.gen.service.request(a, { kind: 'video', prompt: 'a dog on a beach', requestKey: 'telegram:77' }),
      ),
    );
    expect(all.filter((r) => keys(r as never)[0] === 'core.demo.queued')).toHaveLength(1);
    expect((await w.store.listForUser(a.userId, 20, 0)).total).toBe(1);
    const id = await w.lastId(a.userId);
    expect(w.jobs.enqueued.filter((e) => e.id === id)).toHaveLength(1);
  });
});
