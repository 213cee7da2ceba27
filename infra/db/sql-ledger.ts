// The Ledger port over PostgreSQL. Every write is one call of a PL/pgSQL function (one round trip), defined in
// infra/db/sql/ledger.sql, which holds the rules and the invariants (docs/ledger.md):
// balance == sum of ledger entries per bucket, never negative, each reservation settled exactly once.
//
// Hot users: concurrent reserves of one user in this process are coalesced into one ledger_reserve_batch call
// (one row lock, one commit for the batch; each item still decided on its own), instead of 64 backends queueing
// on one row. bench/ledger.ts measures both ways.
//
// Points held across a monthly reset: the monthly part of a reservation belongs to the period it was held in.
// Committed after the reset it stays spent; released after the reset it comes back and expires at once
// (+n 'release', -n 'monthly_expire'), as it would have at the reset; purchased points always come back.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Balance, Ledger, LedgerEntry, PlanFeatures, Reservation } from '../../core/api.ts';
import type { PointBucket } from '../../core/model.ts';
import type { Clock } from '../../core/ports.ts';
import { LedgerError, type LedgerErrorCode } from '../../core/ledger/errors.ts';
import { isPeriod } from '../../core/ledger/period.ts';

export interface SqlLedgerOptions {
  /**
   * How long a reservation may stay held before releaseExpired treats it as abandoned (a crashed job).
   * Must exceed the longest legitimate generation (provider timeouts × failover steps); default 2 h.
   */
  holdMs?: number;
  /**
   * Concurrent reserves of one user are coalesced into one statement (one lock, one commit) while an earlier one
   * is in flight; this many at most per statement (default 100). false sends every reserve on its own, as
   * concurrent statements queueing on the user's row lock (for comparison in bench/ledger.ts).
   */
  coalesce?: false | { maxBatch: number };
}

interface QueuedReserve {
  amount: number;
  pool: string;
  key: string;
  reference: string | null;
  resolve(r: ReservationRecord | null): void;
  reject(e: unknown): void;
}

type ReserveOutcome = 'reserved' | 'replayed' | 'insufficient' | 'conflict' | 'invalid';

/** A reservation with the bookkeeping columns (a superset of core's Reservation). */
export interface ReservationRecord extends Reservation {
  pool: 'pollo' | 'goenhance';
  reference: string | null;
  expiresAt: Date;
  createdAt: Date;
  settledAt: Date | null;
}

interface ReservationRow {
  id: string;
  user_id: string;
  amount: number;
  pool: 'pollo' | 'goenhance';
  split: Partial<Record<PointBucket, number>>;
  status: Reservation['status'];
  reference: string | null;
  expires_at: Date;
  created_at: Date;
  settled_at: Date | null;
}

const SQLSTATE: Record<string, LedgerErrorCode> = {
  VL001: 'reservation_not_found',
  VL002: 'already_committed',
  VL003: 'already_released',
  VL004: 'invalid_argument',
  VL005: 'idempotency_conflict',
  '22P02': 'invalid_argument', // malformed uuid
};

const BUCKETS: readonly PointBucket[] = ['monthly_pollo', 'monthly_goenhance', 'purchased'];
const EXPIRED_BATCH = 500;

function toRecord(r: ReservationRow): ReservationRecord {
  return {
    id: r.id,
    userId: r.user_id,
    amount: r.amount,
    split: r.split,
    status: r.status,
    pool: r.pool,
    reference: r.reference,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    settledAt: r.settled_at,
  };
}

export class SqlLedger implements Ledger {
  private readonly holdMs: number;
  private readonly maxBatch: number;
  /** Per user: reserves waiting for the statement in flight to finish. Present while one is in flight. */
  private readonly queues = new Map<string, QueuedReserve[]>();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly clock: Clock,
    opts: SqlLedgerOptions = {},
  ) {
    this.holdMs = opts.holdMs ?? 2 * 60 * 60 * 1000;
    this.maxBatch = opts.coalesce === false ? 0 : Math.max(1, opts.coalesce?.maxBatch ?? 100);
  }

  private async call<T extends object>(sql: string, bind: unknown[]): Promise<T[]> {
    try {
      return await this.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
    } catch (err) {
      const e = err as { original?: { code?: string; message?: string }; parent?: { code?: string } };
      const code = SQLSTATE[e.original?.code ?? e.parent?.code ?? ''];
      if (code) throw new LedgerError(code, e.original?.message ?? String(err));
      throw err;
    }
  }

  async balance(userId: string): Promise<Balance> {
    const [row] = await this.call<Omit<Balance, 'total'>>(
      'SELECT monthly_pollo, monthly_goenhance, purchased FROM point_balances WHERE user_id = $1',
      [userId],
    );
    const b = row ?? { monthly_pollo: 0, monthly_goenhance: 0, purchased: 0 };
    return { ...b, total: b.monthly_pollo + b.monthly_goenhance + b.purchased };
  }

  async history(userId: string, opts: { limit?: number; before?: number } = {}): Promise<LedgerEntry[]> {
    const limit = Math.min(Math.max(opts.limit ?? 20, 1), 200);
    const rows = await this.call<{
      id: number;
      bucket: PointBucket;
      amount: number;
      reason: string;
      reference: string | null;
      created_at: Date;
    }>(
      `SELECT id, bucket, amount, reason, reference, created_at FROM point_ledger
        WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [userId, opts.before ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      bucket: r.bucket,
      amount: r.amount,
      reason: r.reason,
      reference: r.reference,
      createdAt: r.created_at,
    }));
  }

  async credit(
    userId: string,
    bucket: PointBucket,
    amount: number,
    reason: string,
    idempotencyKey: string,
    reference?: string,
  ): Promise<void> {
    if (!BUCKETS.includes(bucket) || !Number.isInteger(amount))
      throw new LedgerError('invalid_argument', `bad credit ${bucket} ${amount}`);
    await this.call('SELECT ledger_credit($1, $2, $3, $4, $5, $6, $7) AS credited', [
      userId,
      bucket,
      amount,
      reason,
      idempotencyKey,
      reference ?? null,
      this.clock.now(),
    ]);
  }

  /**
   * Holds points (see Ledger.reserve). Resolves null when the balance does not cover it (nothing written).
   * Throws LedgerError 'idempotency_conflict' for a key used before with other parameters.
   */
  reserve(
    userId: string,
    amount: number,
    pool: 'pollo' | 'goenhance',
    idempotencyKey: string,
    reference?: string,
  ): Promise<ReservationRecord | null> {
    if (!Number.isInteger(amount))
      return Promise.reject(new LedgerError('invalid_argument', `amount ${amount} is not an integer`));
    return new Promise((resolve, reject) => {
      const item: QueuedReserve = { amount, pool, key: idempotencyKey, reference: reference ?? null, resolve, reject };
      if (!this.maxBatch) return void this.reserveBatch(userId, [item]);
      const queue = this.queues.get(userId);
      if (queue) return void queue.push(item); // joins the next statement for this user
      this.queues.set(userId, [item]);
      void this.drain(userId);
    });
  }

  private async drain(userId: string) {
    const queue = this.queues.get(userId)!;
    while (queue.length) await this.reserveBatch(userId, queue.splice(0, this.maxBatch));
    this.queues.delete(userId);
  }

  /** One statement for a batch of one user's reserves; settles every item's promise, never throws. */
  private async reserveBatch(userId: string, items: QueuedReserve[]) {
    const now = this.clock.now();
    let rows: (ReservationRow & { ord: number; outcome: ReserveOutcome })[];
    try {
      rows = await this.call('SELECT * FROM ledger_reserve_batch($1, $2, $3, $4, $5, $6, $7)', [
        userId,
        items.map((i) => i.amount),
        items.map((i) => i.pool),
        items.map((i) => i.key),
        items.map((i) => i.reference),
        now,
        new Date(now.getTime() + this.holdMs),
      ]);
    } catch (err) {
      for (const i of items) i.reject(err);
      return;
    }
    for (const row of rows) {
      const item = items[row.ord]!;
      if (row.outcome === 'reserved' || row.outcome === 'replayed') item.resolve(toRecord(row));
      else if (row.outcome === 'insufficient') item.resolve(null);
      else if (row.outcome === 'conflict')
        item.reject(
          new LedgerError('idempotency_conflict', `idempotency key ${item.key} reused with different parameters`),
        );
      else
        item.reject(
          new LedgerError(
            'invalid_argument',
            `reserve needs a positive amount and pool pollo or goenhance (got ${item.amount}, ${item.pool})`,
          ),
        );
    }
  }

  /** Finalises a held reservation; again = the same state. Throws LedgerError 'already_released' after a release. */
  async commit(reservationId: string): Promise<ReservationRecord> {
    const [row] = await this.call<ReservationRow>('SELECT * FROM ledger_commit($1, $2)', [
      reservationId,
      this.clock.now(),
    ]);
    return toRecord(row!);
  }

  /** Returns held points; again = the same state. Throws LedgerError 'already_committed' after a commit. */
  async release(reservationId: string, reason: string): Promise<ReservationRecord> {
    const [row] = await this.call<ReservationRow>('SELECT * FROM ledger_release($1, $2, $3)', [
      reservationId,
      reason,
      this.clock.now(),
    ]);
    return toRecord(row!);
  }

  async reservation(reservationId: string): Promise<ReservationRecord | null> {
    const [row] = await this.call<ReservationRow>('SELECT * FROM point_reservations WHERE id = $1', [reservationId]);
    return row ? toRecord(row) : null;
  }

  /**
   * The crash-cleanup path: releases every reservation still held past its expires_at, each exactly once even
   * with several cleanups running at once. Returns how many this call released.
   */
  async releaseExpired(now: Date = this.clock.now()): Promise<number> {
    let total = 0;
    for (;;) {
      const [row] = await this.call<{ n: number }>('SELECT ledger_release_expired($1, $2) AS n', [now, EXPIRED_BATCH]);
      total += row!.n;
      if (row!.n < EXPIRED_BATCH) return total;
    }
  }

  /**
   * Starts `period` for the user: leftover monthly points expire, the plan's allowances are credited under the
   * keys monthly:<user>:<period>:<bucket>. True when this call allocated; false for a period already done (or
   * older than the last one), so a reset running twice in a month changes nothing.
   */
  async allocateMonthly(userId: string, features: PlanFeatures, period: string): Promise<boolean> {
    if (!isPeriod(period)) throw new LedgerError('invalid_argument', `bad period ${period}`);
    const [row] = await this.call<{ allocated: boolean }>(
      'SELECT ledger_allocate_monthly($1, $2, $3, $4, $5) AS allocated',
      [userId, period, features.monthly_pollo_points, features.monthly_goenhance_points, this.clock.now()],
    );
    return row!.allocated;
  }

  async startPlan(
    userId: string,
    features: PlanFeatures,
    period: string,
    idempotencyKey: string,
    reference?: string,
  ): Promise<boolean> {
    if (!isPeriod(period)) throw new LedgerError('invalid_argument', `bad period ${period}`);
    const [row] = await this.call<{ started: boolean }>(
      'SELECT ledger_start_plan($1, $2, $3, $4, $5, $6, $7) AS started',
      [
        userId,
        period,
        features.monthly_pollo_points,
        features.monthly_goenhance_points,
        idempotencyKey,
        reference ?? null,
        this.clock.now(),
      ],
    );
    return row!.started;
  }

  async clawback(
    userId: string,
    bucket: PointBucket,
    amount: number,
    reason: string,
    idempotencyKey: string,
    reference?: string,
  ) {
    if (!BUCKETS.includes(bucket) || !Number.isInteger(amount) || amount <= 0)
      throw new LedgerError('invalid_argument', `bad clawback ${bucket} ${amount}`);
    const [row] = await this.call<{ taken: number }>('SELECT ledger_clawback($1, $2, $3, $4, $5, $6, $7) AS taken', [
      userId,
      bucket,
      amount,
      reason,
      idempotencyKey,
      reference ?? null,
      this.clock.now(),
    ]);
    return { taken: row!.taken, shortfall: amount - row!.taken };
  }
}
