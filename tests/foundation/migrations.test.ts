import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createEmptyDatabase } from '../helpers/db.ts';
import { createSequelize } from '../../infra/db/sequelize.ts';
import { createMigrator } from '../../infra/db/migrator.ts';
import { migrateUp } from '../../infra/db/migrate.ts';

let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
let sequelize: ReturnType<typeof createSequelize>;

const tables = async () =>
  (
    await sequelize.query<{ table_name: string }>(
      `SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`,
      { type: QueryTypes.SELECT },
    )
  ).map((r) => r.table_name);

beforeAll(async () => {
  db = await createEmptyDatabase();
  sequelize = createSequelize(db.url);
});
afterAll(async () => {
  await sequelize.close();
  await db.drop();
});

describe('migrations', () => {
  it('go up on an empty database, seeding the four tiers', async () => {
    const applied = await migrateUp(sequelize, db.url);
    expect(applied.length).toBeGreaterThan(1);
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'users',
        'chat_identities',
        'plans',
        'point_packs',
        'subscriptions',
        'orders',
        'invoices',
        'point_ledger',
        'generations',
        'moderation_events',
        'bans',
        'admin_audit_log',
        'processed_events',
      ]),
    );
    const plans = await sequelize.query<{ slug: string; price_twd: number; features: { point_discount: number } }>(
      'SELECT slug, price_twd, features FROM plans ORDER BY sort_order',
      { type: QueryTypes.SELECT },
    );
    expect(plans.map((p) => [p.slug, p.price_twd])).toEqual([
      ['demo', 0],
      ['starter', 299],
      ['pro', 599],
      ['unlimited', 999],
    ]);
    expect(plans[3]!.features.point_discount).toBe(20);
  });

  it('are idempotent when run again (a second start)', async () => {
    expect(await migrateUp(sequelize, db.url)).toEqual([]);
  });

  it('keep the ledger append-only', async () => {
    const [[u]] = (await sequelize.query(`INSERT INTO users DEFAULT VALUES RETURNING id`)) as [
      [{ id: string }],
      unknown,
    ];
    await sequelize.query(
      `INSERT INTO point_ledger (user_id, bucket, amount, reason, idempotency_key) VALUES (?, 'purchased', 5, 'grant', 'k1')`,
      { replacements: [u.id] },
    );
    await expect(sequelize.query(`UPDATE point_ledger SET amount = 50`)).rejects.toThrow(/append-only/);
    await expect(sequelize.query(`DELETE FROM point_ledger`)).rejects.toThrow(/append-only/);
    await expect(
      sequelize.query(
        `INSERT INTO point_ledger (user_id, bucket, amount, reason, idempotency_key) VALUES (?, 'purchased', 5, 'grant', 'k1')`,
        { replacements: [u.id] },
      ),
    ).rejects.toThrow();
  });

  it('record the renewal schedules already running when schedules arrive', async () => {
    await createMigrator(sequelize).down({ to: '20261125-1105-billing-schedules-and-refunds.ts' });
    const one = async <T>(sql: string, replacements: unknown[] = []) =>
      ((await sequelize.query(sql, { replacements, type: QueryTypes.SELECT })) as T[])[0]!;
    const u = await one<{ id: string }>(`INSERT INTO users DEFAULT VALUES RETURNING id`);
    const plan = await one<{ id: string }>(`SELECT id FROM plans WHERE slug = 'starter'`);
    const sub = (provider: string, ext: string) =>
      one<{ id: string }>(
        `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date, provider, external_id, auto_renew)
       VALUES (?, ?, 'active', now(), now() + interval '1 month', ?, ?, true) RETURNING id`,
        [u.id, plan.id, provider, ext],
      );
    const order = (n: string, method: string, s: string, autoRenew: boolean) =>
      sequelize.query(
        `INSERT INTO orders (order_number, user_id, kind, plan_id, subscription_id, amount_minor, currency, status, payment_method, auto_renew, paid_at)
       VALUES (?, ?, 'plan', ?, ?, 299, 'TWD', 'paid', ?, ?, now())`,
        { replacements: [n, u.id, plan.id, s, method, autoRenew] },
      );
    const e = await sub('ecpay', 'T1');
    await order('VGOLDECPAY1', 'ecpay', e.id, true);
    const p = await sub('paddle', 'sub_01legacy');
    await order('VGOLDPADDLE1', 'paddle', p.id, false);
    const oneOff = await sub('ecpay', 'T2');
    await order('VGONEOFF1', 'ecpay', oneOff.id, false);
    await migrateUp(sequelize, db.url);
    const rows = await sequelize.query(
      `SELECT provider, ref, first_order, status FROM payment_schedules ORDER BY provider`,
      { type: QueryTypes.SELECT },
    );
    expect(rows).toEqual([
      { provider: 'ecpay', ref: 'VGOLDECPAY1', first_order: 'VGOLDECPAY1', status: 'active' },
      { provider: 'paddle', ref: 'sub_01legacy', first_order: 'VGOLDPADDLE1', status: 'active' },
    ]);
    await sequelize.query(`DELETE FROM payment_schedules; DELETE FROM orders; DELETE FROM subscriptions`);
  });

  it('go all the way down cleanly, and up again', async () => {
    await createMigrator(sequelize).down({ to: 0 });
    expect(await tables()).toEqual([]);
    await migrateUp(sequelize, db.url);
    expect((await tables()).length).toBeGreaterThan(10);
  });
});
