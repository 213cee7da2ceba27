// The points ledger on a real PostgreSQL: reserve → commit | release exactly once, never negative, balance equal
// to the sum of the append-only entries under any concurrency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { SqlLedger } from '../../infra/db/sql-ledger.ts';
import { LedgerError } from '../../core/ledger/index.ts';
import { invariantViolations, newUser, TestClock } from './helpers.ts';

let db: TestDb;
let ledger: SqlLedger;
const clock = new TestClock(new Date('2026-11-10T04:00:00Z'));

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 24 });
  ledger = new SqlLedger(db.sequelize, clock, { holdMs: 60 * 60 * 1000 });
});
afterAll(async () => {
  try {
    expect(await invariantViolations(db.sequelize)).toEqual([]);
  } finally {
    await db.drop();
  }
});

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e) => (e instanceof LedgerError ? e.code : `other: ${e}`),
  );

describe('credit', () => {
  it('adds points once per key and refuses a reused key with other parameters', async () => {
    const u = await newUser(db.sequelize);
    await ledger.credit(u, 'purchased', 50, 'purchase', `order:${u}`, 'ORD1');
    await ledger.credit(u, 'purchased', 50, 'purchase', `order:${u}`, 'ORD1');
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 0, monthly_goenhance: 0, purchased: 50, total: 50 });
    expect(await code(ledger.credit(u, 'purchased', 60, 'purchase', `order:${u}`))).toBe('idempotency_conflict');
    expect(await code(ledger.credit(u, 'purchased', 0, 'purchase', `zero:${u}`))).toBe('invalid_argument');
    expect(await code(ledger.credit(u, 'purchased', -5, 'purchase', `neg:${u}`))).toBe('invalid_argument');
    const h = await ledger.history(u);
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ bucket: 'purchased', amount: 50, reason: 'purchase', reference: 'ORD1' });
  });

  it('gives an unknown user a zero balance', async () => {
    expect((await ledger.balance(await newUser(db.sequelize))).total).toBe(0);
  });
});

describe('reserve, commit, release', () => {
  it("spends the pool's monthly bucket first, then purchased, and writes one negative entry per bucket", async () => {
    const u = await newUser(db.sequelize);
    await ledger.credit(u, 'monthly_pollo', 3, 'grant', `m:${u}`);
    await ledger.credit(u, 'monthly_goenhance', 7, 'grant', `g:${u}`);
    await ledger.credit(u, 'purchased', 10, 'grant', `p:${u}`);
    const r = await ledger.reserve(u, 5, 'pollo', `gen1:${u}`, 'gen1');
    expect(r).toMatchObject({ userId: u, amount: 5, status: 'held', split: { monthly_pollo: 3, purchased: 2 } });
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 0, monthly_goenhance: 7, purchased: 8, total: 15 });
    const g = await ledger.reserve(u, 4, 'goenhance', `gen2:${u}`);
    expect(g!.split).toEqual({ monthly_goenhance: 4 });
    const entries = (await ledger.history(u)).filter((e) => e.reason === 'reserve');
    expect(entries.map((e) => [e.bucket, e.amount]).sort()).toEqual([
      ['monthly_goenhance', -4],
      ['monthly_pollo', -3],
      ['purchased', -2],
    ]);
  });

  it('returns null and writes nothing when the balance does not cover it', async () => {
    const u = await newUser(db.sequelize);
    expect(await ledger.reserve(u, 1, 'pollo', `none:${u}`)).toBeNull();
    await ledger.credit(u, 'purchased', 4, 'grant', `p:${u}`);
    await ledger.credit(u, 'monthly_goenhance', 10, 'grant', `g:${u}`);
    expect(await ledger.reserve(u, 5, 'pollo', `short:${u}`)).toBeNull(); // goenhance points do not pay for video
    expect(await ledger.history(u)).toHaveLength(2);
    expect((await ledger.balance(u)).total).toBe(14);
    // The key was not used up by the refusal: the same key succeeds once there are points.
    await ledger.credit(u, 'purchased', 1, 'grant', `p2:${u}`);
    expect(await ledger.reserve(u, 5, 'pollo', `short:${u}`)).toMatchObject({ status: 'held', amount: 5 });
  });

  it('replays the same reservation for the same key and refuses the key with other parameters', async () => {
    const u = await newUser(db.sequelize);
    await ledger.credit(u, 'purchased', 20, 'grant', `p:${u}`);
    const [a, b] = await Promise.all([
      ledger.reserve(u, 5, 'pollo', `k:${u}`),
      ledger.reserve(u, 5, 'pollo', `k:${u}`),
    ]);
    expect(a!.id).toBe(b!.id);
    expect((await ledger.balance(u)).total).toBe(15);
    expect(await code(ledger.reserve(u, 6, 'pollo', `k:${u}`))).toBe('idempotency_conflict');
    const other = await newUser(db.sequelize);
    expect(await code(ledger.reserve(other, 5, 'pollo', `k:${u}`))).toBe('idempotency_conflict');
    await ledger.commit(a!.id);
    expect(await ledger.reserve(u, 5, 'pollo', `k:${u}`)).toMatchObject({ id: a!.id, status: 'committed' });
  });

  it('commits once: a second commit is a no-op, a release after it is refused', async () => {
    const u = await newUser(db.sequelize);
    await ledger.credit(u, 'purchased', 10, 'grant', `p:${u}`);
    const r = (await ledger.reserve(u, 10, 'pollo', `c:${u}`))!;
    const results = await Promise.all(Array.from({ length: 8 }, () => ledger.commit(r.id)));
    expect(new Set(results.map((x) => x.status))).toEqual(new Set(['committed']));
    expect(await ledger.commit(r.id)).toMatchObject({ id: r.id, status: 'committed' });
    expect(await code(ledger.release(r.id, 'late'))).toBe('already_committed');
    expect((await ledger.balance(u)).total).toBe(0);
    expect(await ledger.history(u)).toHaveLength(2); // the credit and the hold: commit writes nothing
  });

  it('releases once: the matching positive entries, a second release is a no-op, a commit after it is refused', async () => {
    const u = await newUser(db.sequelize);
    await ledger.credit(u, 'monthly_pollo', 2, 'grant', `m:${u}`);
    await ledger.credit(u, 'purchased', 10, 'grant', `p:${u}`);
    const r = (await ledger.reserve(u, 5, 'pollo', `r:${u}`, 'gen-r'))!;
    const results = await Promise.all(Array.from({ length: 8 }, () => ledger.release(r.id, 'provider_failed')));
    expect(results.every((x) => x.status === 'released')).toBe(true);
    expect(await code(ledger.commit(r.id))).toBe('already_released');
    expect(await ledger.balance(u)).toEqual({ monthly_pollo: 2, monthly_goenhance: 0, purchased: 10, total: 12 });
    const released = (await ledger.history(u)).filter((e) => e.reason === 'release');
    expect(released.map((e) => [e.bucket, e.amount, e.reference]).sort()).toEqual([
      ['monthly_pollo', 2, 'gen-r'],
      ['purchased', 3, 'gen-r'],
    ]);
  });

  it('races commit against release: exactly one wins, the other is refused', async () => {
    for (let i = 0; i < 10; i++) {
      const u = await newUser(db.sequelize);
      await ledger.credit(u, 'purchased', 5, 'grant', `p:${u}`);
      const r = (await ledger.reserve(u, 5, 'pollo', `race:${u}`))!;
      const [c, rel] = await Promise.all([code(ledger.commit(r.id)), code(ledger.release(r.id, 'cancel'))]);
      expect([c, rel].sort()).toEqual(c === 'ok' ? ['already_committed', 'ok'] : ['already_released', 'ok']);
      expect((await ledger.balance(u)).total).toBe(c === 'ok' ? 0 : 5);
    }
  });

  it('keeps keys and references with commas, quotes, braces and backslashes intact (array parameters)', async () => {
    const u = await newUser(db.sequelize);
    await ledger.credit(u, 'purchased', 10, 'grant', `p:${u}`);
    const key = `k,"x"{y}\\z 點:${u}`;
    const [a, b] = await Promise.all([
      ledger.reserve(u, 2, 'pollo', key, 'ref,"1"{}'),
      ledger.reserve(u, 3, 'pollo', `${key}:2`),
    ]);
    expect(a).toMatchObject({ reference: 'ref,"1"{}' });
    expect(b).toMatchObject({ reference: null });
    expect((await ledger.reserve(u, 2, 'pollo', key))!.id).toBe(a!.id);
    expect((await ledger.history(u)).map((e) => e.reference)).toEqual(expect.arrayContaining(['ref,"1"{}', b!.id]));
  });

  it('refuses unknown reservations and bad arguments with typed errors', async () => {
    expect(await code(ledger.commit('00000000-0000-0000-0000-000000000000'))).toBe('reservation_not_found');
    expect(await code(ledger.release('00000000-0000-0000-0000-000000000000', 'x'))).toBe('reservation_not_found');
    expect(await code(ledger.commit('not-a-uuid'))).toBe('invalid_argument');
    const u = await newUser(db.sequelize);
    expect(await code(ledger.reserve(u, 0, 'pollo', `z:${u}`))).toBe('invalid_argument');
    expect(await code(ledger.reserve(u, 2.5, 'pollo', `f:${u}`))).toBe('invalid_argument');
  });
});

describe('concurrency', () => {
  // 'coalesced' is the default (one user's concurrent reserves share a statement); 'uncoalesced' sends 64
  // statements that queue on the row lock; 'two instances' splits the callers over two ledgers (two app instances).
  const setups: [string, () => SqlLedger[]][] = [
    ['coalesced', () => [ledger]],
    ['uncoalesced', () => [new SqlLedger(db.sequelize, clock, { coalesce: false })]],
    [
      'two instances',
      () => [new SqlLedger(db.sequelize, clock, { coalesce: { maxBatch: 4 } }), new SqlLedger(db.sequelize, clock)],
    ],
  ];
  for (const [name, make] of setups) {
    it(`64 concurrent reservations against a balance covering 10: exactly 10 succeed, balance = ledger sum (${name})`, async () => {
      const ledgers = make();
      const u = await newUser(db.sequelize);
      await ledger.credit(u, 'monthly_pollo', 20, 'grant', `m:${u}`);
      await ledger.credit(u, 'purchased', 30, 'grant', `p:${u}`);
      const results = await Promise.all(
        Array.from({ length: 64 }, (_, i) => ledgers[i % ledgers.length]!.reserve(u, 5, 'pollo', `c64:${u}:${i}`)),
      );
      const ok = results.filter((r) => r !== null);
      expect(ok).toHaveLength(10);
      expect(await ledger.balance(u)).toEqual({ monthly_pollo: 0, monthly_goenhance: 0, purchased: 0, total: 0 });
      const [{ sum }] = (await db.sequelize.query<{ sum: number }>(
        'SELECT SUM(amount)::int AS sum FROM point_ledger WHERE user_id = $1',
        { bind: [u], type: QueryTypes.SELECT },
      )) as [{ sum: number }];
      expect(sum).toBe(0);
      // half commit, half release, concurrently: the released points come back exactly once
      await Promise.all(
        ok.map((r, i) => (i % 2 ? ledgers[0]!.commit(r!.id) : ledgers.at(-1)!.release(r!.id, 'failed'))),
      );
      expect((await ledger.balance(u)).total).toBe(25);
      expect(await invariantViolations(db.sequelize)).toEqual([]);
    });
  }

  it('a batch settles each item on its own: replay, conflict, shortfall and success side by side', async () => {
    const u = await newUser(db.sequelize);
    await ledger.credit(u, 'purchased', 12, 'grant', `p:${u}`);
    const first = (await ledger.reserve(u, 5, 'pollo', `b0:${u}`))!;
    const outcomes = await Promise.all([
      code(ledger.reserve(u, 5, 'pollo', `b1:${u}`)),
      ledger.reserve(u, 5, 'pollo', `b0:${u}`).then((r) => (r!.id === first.id ? 'replayed' : 'new')),
      code(ledger.reserve(u, 7, 'pollo', `b0:${u}`)),
      ledger.reserve(u, 5, 'pollo', `b2:${u}`).then((r) => (r === null ? 'insufficient' : 'reserved')),
      code(ledger.reserve(u, -1, 'pollo', `b3:${u}`)),
      ledger.reserve(u, 2, 'goenhance', `b4:${u}`).then((r) => r!.split),
    ]);
    expect(outcomes).toEqual([
      'ok',
      'replayed',
      'idempotency_conflict',
      'insufficient',
      'invalid_argument',
      { purchased: 2 },
    ]);
    expect((await ledger.balance(u)).total).toBe(0);
  });
});

describe('abandoned reservations (crash between reserve and commit)', () => {
  it('are released by releaseExpired exactly once, even with two cleanups at once', async () => {
    // reservations the earlier tests left held expire too: count them in
    const [{ before }] = (await db.sequelize.query<{ before: number }>(
      `SELECT COUNT(*)::int AS before FROM point_reservations WHERE status = 'held'`,
      { type: QueryTypes.SELECT },
    )) as [{ before: number }];
    const users = await Promise.all(Array.from({ length: 6 }, () => newUser(db.sequelize)));
    const held: string[] = [];
    for (const u of users) {
      await ledger.credit(u, 'purchased', 30, 'grant', `p:${u}`);
      for (let i = 0; i < 3; i++) held.push((await ledger.reserve(u, 10, 'pollo', `crash:${u}:${i}`))!.id);
    }
    // A live reservation (not yet expired) and a committed one must not be touched.
    const live = users[0]!;
    clock.advance(30 * 60 * 1000);
    await ledger.credit(live, 'purchased', 5, 'grant', `p2:${live}`);
    const fresh = (await ledger.reserve(live, 5, 'pollo', `fresh:${live}`))!;
    await ledger.commit(held.pop()!);

    const later = new Date(clock.now().getTime() + 40 * 60 * 1000); // first batch expired, `fresh` not yet
    expect(await ledger.releaseExpired(new Date(clock.now().getTime() - 60_000))).toBe(0);
    const [a, b] = await Promise.all([ledger.releaseExpired(later), ledger.releaseExpired(later)]);
    expect(a + b).toBe(before + held.length);
    expect(await ledger.releaseExpired(later)).toBe(0);
    for (const id of held) expect((await ledger.reservation(id))!.status).toBe('released');
    expect((await ledger.reservation(fresh.id))!.status).toBe('held');
    // every user had 30 and held 3×10; the last user's third hold was committed, `live` also holds 5 of 35
    for (const u of users.slice(0, 5)) expect((await ledger.balance(u)).total).toBe(30);
    expect((await ledger.balance(users[5]!)).total).toBe(20);
    expect(await code(ledger.commit(held[0]!))).toBe('already_released');
    const [{ n }] = (await db.sequelize.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM point_ledger WHERE reason = 'release' AND idempotency_key LIKE 'release:%'
         AND user_id = ANY($1::uuid[])`,
      { bind: [users], type: QueryTypes.SELECT },
    )) as [{ n: number }];
    expect(n).toBe(held.length);
    expect(await invariantViolations(db.sequelize)).toEqual([]);
  });
});
