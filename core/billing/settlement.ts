// Whether a payment settles an order. The order's price is what the customer agreed to pay; a payment settles it
// only when the customer paid that price in full, in the order's currency:
// - no discount: a discount code (100% off or any other) never buys the full order (docs/payments.md, discounts);
// - what was paid (the grand total, after discount, tax and credits) equals the price, tax included (our prices
//   are tax-inclusive: Paddle ad-hoc prices are sent with tax_mode internal), or equals the price plus the tax on
//   top of it (a catalog price set up tax-exclusive: the customer paid our price and their tax).
import type { OrderView, PaymentRecord } from './ports.ts';

export type Settlement = { ok: true } | { ok: false; reason: 'currency' | 'discount' | 'amount' };

export function settles(order: Pick<OrderView, 'amountMinor' | 'currency'>, p: PaymentRecord): Settlement {
  if (p.currency !== order.currency) return { ok: false, reason: 'currency' };
  if ((p.discountMinor ?? 0) !== 0) return { ok: false, reason: 'discount' };
  const tax = p.taxMinor ?? 0;
  if (p.amountMinor === order.amountMinor || (tax > 0 && p.amountMinor - tax === order.amountMinor))
    return { ok: true };
  return { ok: false, reason: 'amount' };
}

/** Points to take back for a reversal of `amount` out of `paid`: all of them when full, else the same share, rounded up. */
export function share(points: number, amount: number, paid: number, full: boolean): number {
  if (full || paid <= 0 || amount >= paid) return points;
  return Math.min(points, Math.ceil((points * Math.max(0, amount)) / paid));
}
