// Paddle webhook events (already signature-checked) as billing events. Sources: developer.paddle.com
// webhooks/transactions/transaction-completed, webhooks/subscriptions/*, webhooks/adjustments/adjustment-created
// and -updated (action refund | chargeback …; refunds start as pending_approval and take effect when approved),
// changelog 2023 transaction-totals-grand-total (grand_total: after discount, tax and credits, before payments),
// changelog 2026 grand-total-tax-field (grand_total_tax: the tax inside grand_total); SDK enums
// TransactionOrigin, AdjustmentAction, AdjustmentStatus, AdjustmentActionType (full | partial).
import type { BillingEvent, PaymentRecord } from '../../core/billing/ports.ts';

export interface PaddleEnvelope {
  event_id: string;
  event_type: string;
  // biome-ignore lint/suspicious/noExplicitAny: Paddle's event data, read field by field with checks below
  data: Record<string, any>;
}

const minor = (v: unknown): number | null =>
  typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : typeof v === 'number' && Number.isInteger(v) ? v : null;

/** A completed transaction's payment: what was paid (grand total), the tax in it and any discount. */
// biome-ignore lint/suspicious/noExplicitAny: as PaddleEnvelope.data
function payment(data: Record<string, any>): PaymentRecord | null {
  const totals = data.details?.totals ?? {};
  const paid = minor(totals.grand_total);
  if (paid === null || (data.currency_code !== 'USD' && data.currency_code !== 'TWD') || typeof data.id !== 'string')
    return null;
  return {
    provider: 'paddle',
    externalId: data.id,
    amountMinor: paid,
    currency: data.currency_code,
    taxMinor: minor(totals.grand_total_tax) ?? minor(totals.tax) ?? 0,
    discountMinor: minor(totals.discount) ?? 0,
    ...(typeof data.subscription_id === 'string' ? { scheduleRef: data.subscription_id } : {}),
    raw: { id: data.id, origin: data.origin, totals, discount_id: data.discount_id ?? null },
  };
}

/** The billing event a Paddle event means, or null for one billing does not act on (said why). */
export function fromPaddle(e: PaddleEnvelope): { event: BillingEvent } | { ignored: string } {
  const d = e.data;
  const order = typeof d.custom_data?.order_number === 'string' ? (d.custom_data.order_number as string) : undefined;
  switch (e.event_type) {
    case 'transaction.completed': {
      const p = payment(d);
      if (!p) return { ignored: 'transaction without usable totals' };
      if (d.origin === 'subscription_recurring') {
        // A renewal belongs to its subscription, never to a fresh plan order (custom_data is the first order's).
        if (typeof d.subscription_id !== 'string') return { ignored: 'recurring transaction without subscription_id' };
        return {
          event: {
            kind: 'renewal',
            provider: 'paddle',
            scheduleRef: d.subscription_id,
            chargeKey: d.id,
            ...(order ? { orderHint: order } : {}),
            payment: p,
          },
        };
      }
      if (d.origin !== 'web' && d.origin !== 'api') return { ignored: `transaction origin ${d.origin}` };
      if (!order) return { ignored: 'transaction without our order number' };
      return { event: { kind: 'paid', orderNumber: order, payment: p } };
    }
    case 'subscription.created':
    case 'subscription.activated':
      if (!order || typeof d.id !== 'string') return { ignored: 'subscription without our order number' };
      return { event: { kind: 'schedule_started', provider: 'paddle', orderNumber: order, scheduleRef: d.id } };
    case 'subscription.canceled':
      if (typeof d.id !== 'string') return { ignored: 'subscription without id' };
      return { event: { kind: 'schedule_ended', provider: 'paddle', scheduleRef: d.id } };
    case 'adjustment.created':
    case 'adjustment.updated': {
      if (d.action !== 'refund' && d.action !== 'chargeback') return { ignored: `adjustment action ${d.action}` };
      if (d.status !== 'approved') return { ignored: `adjustment ${d.status}` };
      const amount = minor(d.totals?.total);
      if (amount === null || typeof d.id !== 'string' || typeof d.transaction_id !== 'string')
        return { ignored: 'adjustment without totals' };
      return {
        event: {
          kind: 'reversal',
          reversal: {
            provider: 'paddle',
            reversalId: d.id,
            chargeId: d.transaction_id,
            kind: d.action,
            full: d.type === 'full',
            amountMinor: amount,
          },
        },
      };
    }
    default:
      return { ignored: e.event_type };
  }
}
