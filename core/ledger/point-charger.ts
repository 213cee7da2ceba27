// The one path from a route step to the ledger. A charged step reaches Ledger.reserve only with the user's
// consent for this generation (covering the step's points) or auto-pay on; otherwise nothing is called and not
// one point moves. The generation use cases are given a PointCharger and a read-only view of the ledger, never
// the Ledger itself (chargingPorts below), so this check cannot be skipped.
import type { Ledger, Reservation } from '../api.ts';
import type { RouteStep } from '../failover/route.ts';

/** The user's answer "yes, use points" to the consent question for one generation, up to `maxPoints`. */
export interface ConsentGrant {
  userId: string;
  generationId: string;
  maxPoints: number;
}

export interface ChargeContext {
  userId: string;
  generationId: string;
  /** The account's auto-pay setting (/settings): spend points on failover without asking. */
  autoPay: boolean;
  consent?: ConsentGrant | null;
}

export type ChargeAuthorization =
  | { ok: true; via: 'free' | 'auto_pay' | 'consent' }
  | { ok: false; reason: 'consent_required' };

/** Pure: may this step spend points for this user and generation? */
export function authorizeCharge(step: RouteStep, ctx: ChargeContext): ChargeAuthorization {
  if (!step.charged) return { ok: true, via: 'free' };
  if (ctx.autoPay) return { ok: true, via: 'auto_pay' };
  const c = ctx.consent;
  if (c && c.userId === ctx.userId && c.generationId === ctx.generationId && step.cost <= c.maxPoints) {
    return { ok: true, via: 'consent' };
  }
  return {
    ok: false,
    reason: 'consent_required',
  };
}

export type HoldResult =
  | { ok: true; reservation: Reservation | null }
  | { ok: false; reason: 'consent_required' | 'insufficient_points' };

/** Idempotency key of a step's reservation: a retry of the same step replays it; another step is another key. */
export function stepKey(generationId: string, stepIndex: number, step: RouteStep): string {
  return `gen:${generationId}:step:${stepIndex}:${step.provider}`;
}

export class PointCharger {
  constructor(private readonly ledger: Pick<Ledger, 'reserve' | 'commit' | 'release'>) {}

  /**
   * Holds a step's points before its provider is called. Free steps hold nothing (reservation null). Without
   * consent or auto-pay, or without enough points, the ledger is not changed.
   */
  async hold(step: RouteStep, stepIndex: number, ctx: ChargeContext): Promise<HoldResult> {
    const auth = authorizeCharge(step, ctx);
    if (!auth.ok) return auth;
    if (auth.via === 'free') return { ok: true, reservation: null };
    const r = await this.ledger.reserve(
      ctx.userId,
      step.cost,
      step.pool,
      stepKey(ctx.generationId, stepIndex, step),
      ctx.generationId,
    );
    if (!r)
      return {
        ok: false,
        reason: 'insufficient_points',
      };
    return { ok: true, reservation: r };
  }

  /** The step's provider delivered: the points are spent (a second call is a no-op). */
  commit(reservationId: string): Promise<Reservation> {
    return this.ledger.commit(reservationId);
  }

  /** The step failed or was canceled: the points come back (a second call is a no-op). */
  release(reservationId: string, reason: string): Promise<Reservation> {
    return this.ledger.release(reservationId, reason);
  }
}

/** What the use cases read from the ledger; reserve, commit and release go through the charger only. */
export type LedgerView = Pick<Ledger, 'balance' | 'credit'>;
export type Charger = Pick<PointCharger, 'hold' | 'commit' | 'release'>;

/** Splits a Ledger into the use cases' two ports; the view is a fresh object, so they never hold `reserve`. */
export function chargingPorts(ledger: Ledger): { ledger: LedgerView; charger: Charger } {
  return {
    ledger: { balance: (u) => ledger.balance(u), credit: (...a) => ledger.credit(...a) },
    charger: new PointCharger(ledger),
  };
}
