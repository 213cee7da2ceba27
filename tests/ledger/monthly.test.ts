// Monthly allocation: periods in the configured timezone, once per user and period, leftovers expire, and the
// rule for points held across a reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { SqlLedger } from '../../infra/db/sql-ledger.ts';
import { LedgerError, periodOf } from '../../core/ledger/index.ts';
import { PLANS } from '../../migrations/20261125-0002-seed-plans.ts';
import type { PlanFeatures } from '../../core/api.ts';
import { invariantViolations, newUser, TestClock } from './helpers.ts';

const features = (slug: string) => PLANS.find((p) => p.slug === slug)!.features as PlanFeatures;
const starter = features('starter');
const pro = features('pro');

let db: TestDb;
let ledger: SqlLedger;
const clock = new TestClock(new Date('2026-11-03T02:00:00Z'));

beforeAll(async () => {
  db = await createTestDatabase();
  ledger = new SqlLedger(db.sequelize, clock);
});
afterAll(async () => {
  try {
    expect(await invariantViolations(db.sequelize)).toEqual([]);
  } finally {
    await db.drop();
  }
});

describe('periodOf', () => {
  it('puts the month boundary at local midnight in the configured timezone (default Asia/Taipei)', () => {
    expect(periodOf(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11'); // 23:59:59 in Taipei
    expect(periodOf(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12'); // 00:00 on 1 December in Taipei
    expect(periodOf(new Date('2026-11-30T16:00:00Z'), 'UTC')).toBe('2026-11');
    expect(periodOf(new Date('2026-12-31T16:00:00Z'), 'Asia/Taipei')).toBe('2027-01');
    expect(periodOf(new Date('2026-03-01T07:59:00Z'), 'America/Los_Angeles')).toBe('2026-02');
    expect(() => periodOf(new Date(), 'Not/AZone')).toThrow(RangeError);
  });
});

describe('allocateMonthly', () => {
  it('credits the plan allowance once: a second reset in the same month changes nothing', async () => {
    const u = await newUser(db.sequelize);
    const period = periodOf(clock.now(), 'Asia/Taipei');
    expect(await ledger.allocateMonthly(u, starter, period)).toBe(true);
    const after = await ledger.balance(u);
    const entries = await ledger.history(u);
    expect(after).toEqual({ monthly_pollo: 50, monthly_goenhance: 30, purchased: 0, total: 80 });
    expect(await ledger.allocateMonthly(u, starter, period)).toBe(false);
    expect(await ledger.allocateMonthly(u, pro, period)).toBe(false);
    expect(await ledger.balance(u)).toEqual(after);
    expect(await ledger.history(u)).toEqual(entries);
  });

  it('is idempotent under concurrent runs (two instances doing the reset)', async () => {
    const u = await newUser(db.sequelize);
    const results = await Promise.all(Array.from({ length: 8 }, () => ledger.allocateMonthly(u, starter, '2026-11')));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await ledger.balance(u)).total).toBe(80);
  });

  it('across the month boundary in Asia/Taipei: leftover monthly points expire, purchased stay, allowance credited', async () => {
    const u = await newUser(db.sequelize);
    clock.set('2026-11-30T15:00:00Z'); // 23:00 on 30 November in Taipei
    expect(await ledger.allocateMonthly(u, starter, periodOf(clock.now(), 'Asia/Taipei'))).toBe(true);
    await ledger.credit(u, 'purchased', 20, 'purchase', `buy:${u}`);
    const r = (await ledger.reserve(u, 15, 'pollo', `spend:${u}`))!;
    await ledger.commit(r.id);
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 35, monthly_goenhance: 30, purchased: 20, total: 85 });

    clock.set('2026-11-30T16:00:00Z'); // midnight, 1 December in Taipei (still 30 November in UTC)
    const period = periodOf(clock.now(), 'Asia/Taipei');
    expect(period).toBe('2026-12');
    expect(await ledger.allocateMonthly(u, starter, period)).toBe(true);
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 50, monthly_goenhance: 30, purchased: 20, total: 100 });
    const h = await ledger.history(u, { limit: 4 });
    expect(h.map((e) => [e.reason, e.bucket, e.amount]).sort()).toEqual([
      ['monthly_allocation', 'monthly_goenhance', 30],
      ['monthly_allocation', 'monthly_pollo', 50],
      ['monthly_expire', 'monthly_goenhance', -30],
      ['monthly_expire', 'monthly_pollo', -35],
    ]);
    expect(await ledger.allocateMonthly(u, starter, period)).toBe(false);
    expect(await ledger.allocateMonthly(u, starter, '2026-11')).toBe(false); // a late retry of an older period
    expect((await ledger.balance(u)).total).toBe(100);
  });

  it('a plan without allowances (Demo) still marks the period and expires leftovers', async () => {
    const u = await newUser(db.sequelize);
    await ledger.allocateMonthly(u, starter, '2027-01');
    expect(await ledger.allocateMonthly(u, features('demo'), '2027-02')).toBe(true);
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 0, monthly_goenhance: 0, purchased: 0, total: 0 });
    expect(await ledger.allocateMonthly(u, features('demo'), '2027-02')).toBe(false);
  });

  it('refuses a malformed period', async () => {
    const u = await newUser(db.sequelize);
    await expect(ledger.allocateMonthly(u, starter, '2026-13')).rejects.toBeInstanceOf(LedgerError);
    await expect(ledger.allocateMonthly(u, starter, 'november')).rejects.toBeInstanceOf(LedgerError);
  });
});

// The rule (see ledger_return_held in infra/db/sql/ledger.sql): monthly points belong to the period they were
// held in. Released after a reset, they come back and expire at once; purchased points always come back.
// Committed after a reset, they stay spent.
describe('points held across a reset', () => {
  it('a release after the reset returns the monthly part as expired and the purchased part as spendable', async () => {
    const u = await newUser(db.sequelize);
    await ledger.allocateMonthly(u, starter, '2027-03');
    await ledger.credit(u, 'purchased', 10, 'purchase', `buy:${u}`);
    const r = (await ledger.reserve(u, 55, 'pollo', `held:${u}`, 'gen-x'))!; // 50 monthly + 5 purchased
    expect(r.split).toEqual({ monthly_pollo: 50, purchased: 5 });
    expect(await ledger.allocateMonthly(u, starter, '2027-04')).toBe(true);
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 50, monthly_goenhance: 30, purchased: 5, total: 85 });

    await ledger.release(r.id, 'provider_failed');
    await ledger.release(r.id, 'provider_failed'); // exactly once
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 50, monthly_goenhance: 30, purchased: 10, total: 90 });
    const h = await ledger.history(u, { limit: 3 });
    expect(h.map((e) => [e.reason, e.bucket, e.amount]).sort()).toEqual([
      ['monthly_expire', 'monthly_pollo', -50],
      ['release', 'monthly_pollo', 50],
      ['release', 'purchased', 5],
    ]);
  });

  it('a commit after the reset keeps the points spent', async () => {
    const u = await newUser(db.sequelize);
    await ledger.allocateMonthly(u, starter, '2027-03');
    const r = (await ledger.reserve(u, 20, 'goenhance', `held:${u}`))!;
    await ledger.allocateMonthly(u, starter, '2027-04');
    expect(await ledger.commit(r.id)).toMatchObject({ status: 'committed' });
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 50, monthly_goenhance: 30, purchased: 0, total: 80 });
  });

  it('a reservation released by the expiry cleanup after a reset follows the same rule', async () => {
    const u = await newUser(db.sequelize);
    await ledger.allocateMonthly(u, starter, '2027-05');
    const r = (await ledger.reserve(u, 10, 'pollo', `crash:${u}`))!;
    await ledger.allocateMonthly(u, starter, '2027-06');
    expect(await ledger.releaseExpired(new Date(r.expiresAt.getTime() + 1))).toBeGreaterThanOrEqual(1);
    expect((await ledger.reservation(r.id))!.status).toBe('released');
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 50, monthly_goenhance: 30, purchased: 0, total: 80 });
  });
});
