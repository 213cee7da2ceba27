// Monthly reset across a month boundary in Asia/Taipei with a fake clock: 2026-11-30T16:00Z is Dec 1 00:00 local.
// Fired twice (two instances, or a re-run after a lock takeover) it allocates once; the allocation writes real
// ledger rows with the ledger's per-user-and-period idempotency keys.
import { describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dbWithUser, jobsOn, quietLog, until } from './helpers.ts';
import { periodOf } from '../../core/ledger/period.ts';
import { runMonthlyReset, type MaintenanceDeps } from '../../infra/jobs/maintenance.ts';

const fx = dbWithUser();

function deps(clock: { t: Date }, calls: string[]): MaintenanceDeps {
  return {
    sequelize: fx.db.sequelize,
    timezone: 'Asia/Taipei',
    demoRetentionDays: 30,
    now: () => clock.t,
    log: quietLog,
    tasks: {
      async monthlyReset(_now, period) {
        calls.push(period);
        await fx.db.sequelize.query(
          `INSERT INTO point_ledger (user_id, bucket, amount, reason, idempotency_key) VALUES ($1, 'monthly_pollo', 50, 'monthly', $2)
           ON CONFLICT (idempotency_key) DO NOTHING`,
          { bind: [fx.userId, `monthly:${fx.userId}:${period}:pollo`] },
        );
        return 1;
      },
    },
  };
}

describe('monthly reset', () => {
  it('computes the month in the configured timezone', () => {
    expect(periodOf(new Date('2026-11-30T15:59:59Z'), 'Asia/Taipei')).toBe('2026-11');
    expect(periodOf(new Date('2026-11-30T16:00:00Z'), 'Asia/Taipei')).toBe('2026-12');
    expect(periodOf(new Date('2026-11-30T16:00:00Z'), 'UTC')).toBe('2026-11');
  });

  it('resets once when the month turns in Taipei, however often it fires', async () => {
    const clock = { t: new Date('2026-11-30T15:59:00Z') };
    const calls: string[] = [];
    const d = deps(clock, calls);
    expect(await runMonthlyReset(d)).toEqual({ ran: true, result: 1 }); // November (23:59 local)
    expect(await runMonthlyReset(d)).toEqual({ ran: false });
    clock.t = new Date('2026-11-30T16:00:00Z'); // Dec 1 00:00 in Taipei, still Nov 30 in UTC
    const [a, b] = await Promise.all([runMonthlyReset(d), runMonthlyReset(d)]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    clock.t = new Date('2026-11-30T16:00:30Z');
    expect(await runMonthlyReset(d)).toEqual({ ran: false });
    expect(calls).toEqual(['2026-11', '2026-12']);
    const rows = await fx.db.sequelize.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM point_ledger WHERE user_id = $1 AND reason = 'monthly'`,
      { bind: [fx.userId], type: QueryTypes.SELECT },
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('gives the claim back when the reset fails, so the next firing retries', async () => {
    const clock = { t: new Date('2027-01-01T00:00:00+08:00') };
    const calls: string[] = [];
    const d = deps(clock, calls);
    const failing = {
      ...d,
      tasks: {
        monthlyReset: async () => {
          throw new Error('db blip');
        },
      },
    };
    await expect(runMonthlyReset(failing)).rejects.toThrow('db blip');
    expect(await runMonthlyReset(d)).toEqual({ ran: true, result: 1 });
    expect(calls).toEqual(['2027-01']);
  });

  it('fires every hour on the hour, Taipei time (00:00 on the 1st first; a failed or cut-short reset within the hour)', async () => {
    const svc = jobsOn(fx.db.url, fx.db.sequelize, { schedule: true, tasks: { monthlyReset: async () => 0 } });
    await svc.start();
    const row = await until(
      async () =>
        (
          await fx.db.sequelize.query<{ next_run_at: Date; repeat_timezone: string }>(
            `SELECT next_run_at, repeat_timezone FROM agenda_jobs WHERE name = 'monthly-reset'`,
            { type: QueryTypes.SELECT },
          )
        )[0],
    );
    await svc.stop();
    expect(row.repeat_timezone).toBe('Asia/Taipei');
    const minute = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Taipei', minute: '2-digit' }).format(
      row.next_run_at,
    );
    expect(Number(minute)).toBe(0);
    expect(row.next_run_at.getTime()).toBeGreaterThan(Date.now());
    expect(row.next_run_at.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });
});
