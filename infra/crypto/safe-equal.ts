// Constant-time comparison for every signature and secret we check (webhooks, payments, signed media URLs):
// unequal lengths answer false at once, equal lengths never leak where they differ.
import crypto from 'node:crypto';

export function safeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : a;
  const y = typeof b === 'string' ? Buffer.from(b) : b;
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
