// Every order number, made in one place: at most 20 alphanumerics (ECPay MerchantTradeNo, docs/payments.md).
import crypto from 'node:crypto';

/** A new checkout's number: "VG", the time in base 36 and 6 random hex digits. */
export const newOrderNumber = (now = Date.now()): string =>
  `VG${now.toString(36).toUpperCase()}${crypto.randomBytes(3).toString('hex').toUpperCase()}`;

/**
 * The order of a schedule's charge `key`: ECPay's n-th authorization is the first order's number + `R` + n;
 * anything longer, and Paddle's transaction ids, become a digest.
 */
export function renewalOrderNumber(firstOrder: string, key: string | number): string {
  const plain = `${firstOrder}R${key}`;
  if (/^\d+$/.test(String(key)) && plain.length <= 20) return plain;
  return `RN${crypto.createHash('sha256').update(plain).digest('hex').slice(0, 18).toUpperCase()}`;
}
