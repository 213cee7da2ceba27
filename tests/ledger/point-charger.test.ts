// The server-side consent check against the real ledger: without consent or auto-pay not one point moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { SqlLedger } from '../../infra/db/sql-ledger.ts';
import { planRoute } from '../../core/failover/index.ts';
import { PointCharger } from '../../core/ledger/index.ts';
import { PLANS } from '../../migrations/20261125-0002-seed-plans.ts';
import type { PlanFeatures } from '../../core/api.ts';
import { newUser, TestClock } from './helpers.ts';

let db: TestDb;
let ledger: SqlLedger;
beforeAll(async () => {
  db = await createTestDatabase();
  ledger = new SqlLedger(db.sequelize, new TestClock(new Date('2026-11-10T00:00:00Z')));
});
afterAll(() => db.drop());

const pro = PLANS.find((p) => p.slug === 'pro')!.features as PlanFeatures;

describe('PointCharger on the SQL ledger', () => {
  it('both unlimited providers down: Pollo in points only with consent or auto-pay', async () => {
    const u = await newUser(db.sequelize);
    await ledger.allocateMonthly(u, pro, '2026-11');
    const plan = planRoute({
      kind: 'video',
      resolution: '1080p',
      features: pro,
      health: { leonardo: false, runway: false },
    });
    if (!plan.ok) throw new Error('no route');
    expect(plan).toMatchObject({ needsConsent: true, maxPoints: 5, steps: [{ provider: 'pollo', pool: 'pollo' }] });
    const charger = new PointCharger(ledger);
    const before = [await ledger.balance(u), await ledger.history(u)];

    expect(await charger.hold(plan.steps[0]!, 0, { userId: u, generationId: 'g1', autoPay: false })).toMatchObject({
      ok: false,
      reason: 'consent_required',
    });
    expect([await ledger.balance(u), await ledger.history(u)]).toEqual(before);

    const consented = await charger.hold(plan.steps[0]!, 0, {
      userId: u,
      generationId: 'g1',
      autoPay: false,
      consent: { userId: u, generationId: 'g1', maxPoints: 5 },
    });
    expect(consented).toMatchObject({ ok: true, reservation: { amount: 5, split: { monthly_pollo: 5 } } });
    const auto = await charger.hold(plan.steps[0]!, 0, { userId: u, generationId: 'g2', autoPay: true });
    expect(auto).toMatchObject({ ok: true, reservation: { amount: 5 } });
    expect((await ledger.balance(u)).monthly_pollo).toBe(90);
  });

  it('no points: a clear refusal and nothing written', async () => {
    const u = await newUser(db.sequelize);
    const plan = planRoute({ kind: 'style', resolution: '4k', features: pro, health: {} });
    if (!plan.ok) throw new Error('no route');
    const res = await new PointCharger(ledger).hold(plan.steps[0]!, 0, {
      userId: u,
      generationId: 'g3',
      autoPay: true,
    });
    expect(res).toEqual({ ok: false, reason: 'insufficient_points' });
    expect(await ledger.history(u)).toEqual([]);
  });
});
