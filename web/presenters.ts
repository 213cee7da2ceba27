// Core's values as the API's JSON (web/dto.ts): dates as ISO strings, URLs the browser can open.
import type { Balance, GenerationView, LedgerEntry } from '../core/api.ts';
import type { OrderView } from '../core/billing/ports.ts';
import type { RenewalCancel } from '../core/billing/billing-service.ts';
import type { BalanceDto, GenerationDto, LedgerEntryDto, OrderDto, RenewalCancelDto } from './dto.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * Core's cleanUrl is the store's own URL of the master; /media refuses masters, so the app links the owner-checked
 * download route instead. `error`: the failure reason already in the user's language.
 */
export function presentGeneration(g: GenerationView, error: string | null): GenerationDto {
  return {
    ...g,
    cleanUrl: g.cleanUrl ? `/api/v1/generations/${g.id}/clean` : null,
    createdAt: g.createdAt.toISOString(),
    completedAt: iso(g.completedAt),
    error,
  };
}

export const presentBalance = (b: Balance): BalanceDto => ({ ...b });

export const presentEntry = (e: LedgerEntry): LedgerEntryDto => ({ ...e, createdAt: e.createdAt.toISOString() });

export const presentOrder = (o: OrderView): OrderDto => ({
  orderNumber: o.orderNumber,
  status: o.status,
  kind: o.kind,
  itemName: o.itemName,
  amountMinor: o.amountMinor,
  currency: o.currency,
  invoiceNumber: o.invoiceNumber,
  subscriptionEnd: iso(o.subscriptionEnd),
  points: o.packPoints,
  autoRenew: o.autoRenew,
  problem: o.problem,
});

export const presentRenewalCancel = (r: RenewalCancel): RenewalCancelDto => ({
  outcome: r.outcome,
  planName: r.planName,
  planEnds: iso(r.endDate),
});
