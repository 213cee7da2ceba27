// The recurring jobs on a real PostgreSQL: cleanup of tokens, link codes, old dedupe keys and Demo media; and the
// expiry and renewal-reminder jobs fired through Agenda, running the subscription SQL the billing work does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { createTestDatabase, type TestDb } from '../helpers/db.ts';
import { jobsOn, makeGeneration, makeUser, quietLog, until } from './helpers.ts';
import { runCleanup, type MaintenanceDeps } from '../../infra/jobs/maintenance.ts';

let db: TestDb;
let userId: string;
const NOW = new Date('2026-12-10T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
beforeAll(async () => {
  db = await createTestDatabase();
  userId = await makeUser(db.sequelize);
});
afterAll(async () => db.drop());

const q = <T extends object>(sql: string, bind: unknown[] = []) =>
  db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });

describe('cleanup', () => {
  it('removes expired tokens and link codes, dedupe keys past 7 days, and Demo media past retention', async () => {
    await db.sequelize.query(`INSERT INTO used_tokens (jti, expires_at) VALUES ('old', $1), ('live', $2)`, {
      bind: [daysAgo(1), daysAgo(-1)],
    });
    await db.sequelize.query(
      `INSERT INTO link_codes (code, user_id, expires_at) VALUES ('OLD1', $1, $2), ('LIVE1', $1, $3)`,
      { bind: [userId, daysAgo(0.01), daysAgo(-0.01)] },
    );
    await db.sequelize.query(
      `INSERT INTO processed_events (source, event_id, received_at) VALUES ('line', 'a', $1), ('line', 'b', $2), ('paddle', 'c', $3)`,
      { bind: [daysAgo(8), daysAgo(4), daysAgo(0)] },
    );
    const oldDemo = await makeGeneration(db.sequelize, userId, {
      kind: 'demo',
      media_key: 'demo/old.mp4',
      preview_key: 'demo/old.jpg',
      completed_at: daysAgo(31),
    });
    const oldMarked = await makeGeneration(db.sequelize, userId, {
      watermarked: true,
      media_key: 'v/m.mp4',
      master_key: 'v/master.mp4',
      completed_at: daysAgo(40),
    });
    const sharedKeep = await makeGeneration(db.sequelize, userId, { media_key: 'v/m.mp4', completed_at: daysAgo(40) }); // paid copy, same file
    const freshDemo = await makeGeneration(db.sequelize, userId, {
      kind: 'demo',
      media_key: 'demo/new.mp4',
      completed_at: daysAgo(2),
    });
    const paidOld = await makeGeneration(db.sequelize, userId, { media_key: 'v/paid.mp4', completed_at: daysAgo(90) });
    const broken = await makeGeneration(db.sequelize, userId, {
      kind: 'demo',
      media_key: 'demo/fails.mp4',
      completed_at: daysAgo(60),
    });

    const deleted: string[] = [];
    const d: MaintenanceDeps = {
      sequelize: db.sequelize,
      timezone: 'Asia/Taipei',
      demoRetentionDays: 30,
      now: () => NOW,
      log: quietLog,
      tasks: {
        deleteMedia: async (key) => {
          if (key === 'demo/fails.mp4') throw new Error('storage down');
          deleted.push(key);
        },
        releaseExpiredReservations: async (now) => (now === NOW ? 2 : -1),
        settleStuck: async (now) => (now === NOW ? 1 : -1),
      },
    };
    const run = await runCleanup(d);
    expect(run).toEqual({
      usedTokens: 1,
      linkCodes: 1,
      processedEvents: 1,
      demoMedia: 2,
      demoMediaFailed: 1,
      reservationsReleased: 2,
      stuckSettled: 1,
      jobsPruned: 0,
    });
    expect((await q<{ jti: string }>(`SELECT jti FROM used_tokens`)).map((r) => r.jti)).toEqual(['live']);
    expect((await q<{ code: string }>(`SELECT code FROM link_codes`)).map((r) => r.code)).toEqual(['LIVE1']);
    expect(
      (await q<{ event_id: string }>(`SELECT event_id FROM processed_events ORDER BY 1`)).map((r) => r.event_id),
    ).toEqual(['b', 'c']);
    expect(deleted.sort()).toEqual(['demo/old.jpg', 'demo/old.mp4', 'v/master.mp4']); // v/m.mp4 is still used by a kept row
    const keys = async (id: string) =>
      (await q<{ media_key: string | null }>(`SELECT media_key FROM generations WHERE id = $1`, [id]))[0]!.media_key;
    expect(await keys(oldDemo)).toBeNull();
    expect(await keys(oldMarked)).toBeNull();
    expect(await keys(sharedKeep)).toBe('v/m.mp4');
    expect(await keys(freshDemo)).toBe('demo/new.mp4');
    expect(await keys(paidOld)).toBe('v/paid.mp4');
    expect(await keys(broken)).toBe('demo/fails.mp4'); // kept for the next run

    const again = await runCleanup(d);
    expect(again).toMatchObject({ usedTokens: 0, linkCodes: 0, processedEvents: 0, demoMedia: 0, demoMediaFailed: 1 });
  });
});

describe('subscription jobs through Agenda', () => {
  it('expires ended subscriptions and sends each renewal reminder once', async () => {
    const [plan] = await q<{ id: string }>(`SELECT id FROM plans WHERE slug = 'pro'`);
    const sub = async (end: Date) =>
      (
        await q<{ id: string }>(
          `INSERT INTO subscriptions (user_id, plan_id, status, start_date, end_date) VALUES ($1, $2, 'active', $3, $4) RETURNING id`,
          [userId, plan!.id, daysAgo(30), end],
        )
      )[0]!.id;
    const ended = await sub(daysAgo(0.1));
    const endingSoon = await sub(daysAgo(-2.5));
    const later = await sub(daysAgo(-20));
    await db.sequelize.query(`CREATE TABLE IF NOT EXISTS test_reminders (subscription_id uuid NOT NULL)`);

    const seen: Date[] = [];
    const svc = jobsOn(db.url, db.sequelize, {
      now: () => NOW,
      tasks: {
        // The statements Billing runs; the job hands them the clock's now.
        expireSubscriptions: async (now) => {
          seen.push(now);
          const r = await q(
            `UPDATE subscriptions SET status = 'expired' WHERE status = 'active' AND end_date <= $1 RETURNING id`,
            [now],
          );
          return r.length;
        },
        sendRenewalReminders: async (now) => {
          seen.push(now);
          const r = await q<{ id: string }>(
            `UPDATE subscriptions SET reminder_sent_at = $1 WHERE status = 'active' AND reminder_sent_at IS NULL
              AND end_date <= $1::timestamptz + interval '3 days' RETURNING id`,
            [now],
          );
          for (const { id } of r) await db.sequelize.query(`INSERT INTO test_reminders VALUES ($1)`, { bind: [id] });
          return r.length;
        },
      },
    });
    await svc.start();
    for (let i = 0; i < 2; i++) {
      for (const name of ['subscription-expiry', 'renewal-reminders']) {
        const job = await svc.agenda.now(name);
        await until(
          async () =>
            (
              await q<{ last_finished_at: Date | null }>(`SELECT last_finished_at FROM agenda_jobs WHERE id = $1`, [
                job.attrs._id,
              ])
            )[0]?.last_finished_at,
        );
      }
    }
    await svc.stop();
    expect(seen).toHaveLength(4);
    expect(seen.every((t) => t === NOW)).toBe(true);
    const status = async (id: string) =>
      (await q<{ status: string }>(`SELECT status FROM subscriptions WHERE id = $1`, [id]))[0]!.status;
    expect([await status(ended), await status(endingSoon), await status(later)]).toEqual([
      'expired',
      'active',
      'active',
    ]);
    expect(await q(`SELECT subscription_id FROM test_reminders`)).toEqual([{ subscription_id: endingSoon }]);
  });
});

describe('stop', () => {
  it('lets a maintenance job under way finish within the grace period, and says when one is cut off', async () => {
    let finished = 0;
    const slow = (ms: number) => async () => {
      await new Promise((r) => setTimeout(r, ms));
      finished++;
    };
    const svc = jobsOn(db.url, db.sequelize, { tasks: { checkProviders: slow(400) }, graceMs: 5_000 });
    await svc.start();
    let started = false;
    svc.agenda.on('start:provider-health', () => (started = true));
    await svc.agenda.now('provider-health');
    await until(async () => started);
    await svc.stop();
    expect(finished).toBe(1); // not cut off by the pools closing

    const warned: string[] = [];
    const log = { ...quietLog, warn: (_o: object, m: string) => void warned.push(m) };
    const cut = jobsOn(db.url, db.sequelize, {
      tasks: { checkProviders: slow(3_000) },
      graceMs: 100,
      log: log as typeof quietLog,
    });
    await cut.start();
    let cutStarted = false;
    cut.agenda.on('start:provider-health', () => (cutStarted = true));
    await cut.agenda.now('provider-health');
    await until(async () => cutStarted);
    await cut.stop();
    expect(finished).toBe(1);
    expect(warned).toContain('stopping with maintenance jobs still running');
  });
});
