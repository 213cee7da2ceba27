// Per-provider concurrency across instances: leases in provider_slots (migrations/20261125-0402) taken by the
// generate-video job before the runner starts, released after, expiring when a worker dies.
import { describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dbWithUser, jobsOn, makeGeneration, until } from './helpers.ts';
import { ProviderSlots, parseProviderConcurrency } from '../../infra/jobs/provider-slots.ts';
import { GENERATE_VIDEO } from '../../infra/jobs/generate-video.ts';

const fx = dbWithUser();

const routed = (provider: string) =>
  makeGeneration(fx.db.sequelize, fx.userId, {
    route: JSON.stringify([
      { provider, charged: false, cost: 0, pool: 'pollo' },
      { provider: 'pollo', charged: true, cost: 5, pool: 'pollo' },
    ]),
  });

describe('ProviderSlots', () => {
  it('parses "name=n" lists and rejects unknown providers', () => {
    expect(parseProviderConcurrency(' leonardo=3, local=0 ')).toEqual({ leonardo: 3, local: 0 });
    expect(parseProviderConcurrency(undefined)).toEqual({});
    expect(() => parseProviderConcurrency('sora=2')).toThrow(/sora=2/);
    expect(() => parseProviderConcurrency('runway=two')).toThrow();
  });

  it('caps live leases per provider, lets a holder renew, and frees a dead holder’s slot when its lease runs out', async () => {
    const slots = new ProviderSlots(fx.db.sequelize, { runway: 2 }, 400);
    expect(await slots.acquire('runway', 'a')).toBe(true);
    expect(await slots.acquire('runway', 'b')).toBe(true);
    expect(await slots.acquire('runway', 'c')).toBe(false);
    expect(await slots.acquire('runway', 'a')).toBe(true); // renewal, not a third slot
    expect(await slots.acquire('leonardo', 'c')).toBe(true); // another provider's cap
    expect(await slots.inUse('runway')).toBe(2);
    await slots.release('runway', 'b');
    expect(await slots.acquire('runway', 'c')).toBe(true);
    // 'a' and 'c' stop renewing (their worker died): after the lease both slots are free again.
    await new Promise((r) => setTimeout(r, 500));
    expect(await slots.inUse('runway')).toBe(0);
    expect(await slots.acquire('runway', 'd')).toBe(true);
    expect(await slots.acquire('runway', 'e')).toBe(true);
    expect(await slots.acquire('runway', 'f')).toBe(false);
  });

  it('many callers racing for one slot: exactly one wins', async () => {
    const slots = new ProviderSlots(fx.db.sequelize, { goenhance: 1 });
    const won = await Promise.all(Array.from({ length: 8 }, (_, i) => slots.acquire('goenhance', `racer-${i}`)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('a renewal still in flight when the job releases its slot does not take the slot back', async () => {
    const slots = new ProviderSlots(fx.db.sequelize, { local: 1 });
    const g = await makeGeneration(fx.db.sequelize, fx.userId, { kind: 'demo' });
    const claim = await slots.claim(g);
    if (!claim || claim === 'full') throw new Error('expected a slot');
    // The heartbeat's renewal is held up (a busy pool): it may only reach the database once release()'s DELETE
    // has run. Without the ordering in claim() that re-inserts the lease for a job that has ended.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const acquire = slots.acquire.bind(slots);
    const del = slots.release.bind(slots);
    slots.acquire = async (p, h) => (await gate, acquire(p, h));
    slots.release = async (p, h) => {
      await del(p, h);
      open();
    };
    const fallback = setTimeout(() => open(), 300); // claim() holds release back until the renewal is done
    const renewed = claim.renew();
    await claim.release();
    clearTimeout(fallback);
    expect(await renewed).toBe(true);
    expect(await slots.inUse('local')).toBe(0);
    expect(await claim.renew()).toBe(false); // nothing renews after release
    expect(await slots.inUse('local')).toBe(0);
  });

  it('a generation is capped under the provider its run starts on (route step), Demo under local', async () => {
    const slots = new ProviderSlots(fx.db.sequelize);
    const g = await routed('leonardo');
    await fx.db.sequelize.query(`UPDATE generations SET step_index = 1 WHERE id = $1`, { bind: [g] });
    expect(await slots.providerOf(g)).toBe('pollo');
    const demo = await makeGeneration(fx.db.sequelize, fx.userId, { kind: 'demo' });
    expect(await slots.providerOf(demo)).toBe('local');
    const done = await makeGeneration(fx.db.sequelize, fx.userId, { status: 'succeeded', provider: 'runway' });
    expect(await slots.providerOf(done)).toBeNull(); // nothing left to call: never waits for a slot
  });
});

describe('generate-video under a cap of 1', () => {
  it('two instances, three jobs for one provider: never more than one runs at once, all finish', async () => {
    const gens = [await routed('runway'), await routed('runway'), await routed('runway')];
    const other = await routed('leonardo'); // its own cap: not held up by runway's
    let runningRunway = 0;
    let peak = 0;
    const finished: string[] = [];
    const runner = {
      async run(id: string) {
        const capped = gens.includes(id);
        if (capped) peak = Math.max(peak, ++runningRunway);
        await new Promise((r) => setTimeout(r, 300));
        if (capped) runningRunway--;
        finished.push(id);
        return 'done' as const;
      },
    };
    const opts = { runner, providerConcurrency: { runway: 1 }, slotWaitMs: 100 };
    const a = jobsOn(fx.db.url, fx.db.sequelize, { ...opts, name: 'a' });
    const b = jobsOn(fx.db.url, fx.db.sequelize, { ...opts, name: 'b' });
    try {
      await a.start();
      await b.start();
      for (const g of [...gens, other]) await a.jobQueue.enqueueGeneration(g, { priority: 'normal' });
      await until(async () => finished.length === 4, 30_000);
      expect(peak).toBe(1);
      expect([...finished].sort()).toEqual([...gens, other].sort()); // each ran once
      const open = async () =>
        (
          await fx.db.sequelize.query(`SELECT 1 FROM agenda_jobs WHERE name = $1`, {
            bind: [GENERATE_VIDEO],
            type: QueryTypes.SELECT,
          })
        ).length;
      await until(async () => (await open()) === 0); // finished rows are removed just after 'complete'
      // The handler releases (after any renewal in flight) before it returns, i.e. before 'complete' removes the
      // row: one read suffices, a slot seen here would be one that outlived its job.
      expect(await a.slots!.inUse('runway')).toBe(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('a job that waited for a slot keeps the failure count it had', async () => {
    const slots = new ProviderSlots(fx.db.sequelize, { pollo: 1 });
    await slots.acquire('pollo', 'someone-else');
    const g = await makeGeneration(fx.db.sequelize, fx.userId, {
      route: JSON.stringify([{ provider: 'pollo', charged: true, cost: 5, pool: 'pollo' }]),
    });
    const svc = jobsOn(fx.db.url, fx.db.sequelize, {
      runner: { run: async () => 'done' as const },
      providerConcurrency: { pollo: 1 },
      slotWaitMs: 100,
    });
    await svc.jobQueue.enqueueGeneration(g, { priority: 'normal' });
    await fx.db.sequelize.query(`UPDATE agenda_jobs SET fail_count = 2 WHERE data->>'generationId' = $1`, {
      bind: [g],
    });
    await svc.start();
    const row = async () =>
      (
        await fx.db.sequelize.query<{ fail_count: number | null; last_finished_at: Date | null }>(
          `SELECT fail_count, last_finished_at FROM agenda_jobs WHERE data->>'generationId' = $1`,
          { bind: [g], type: QueryTypes.SELECT },
        )
      )[0];
    await until(async () => (await row())?.last_finished_at); // ran once and was deferred
    expect((await row())!.fail_count).toBe(2);
    await slots.release('pollo', 'someone-else');
    await until(async () => !(await row()), 10_000); // took the freed slot and finished
    await svc.stop();
  });
});
