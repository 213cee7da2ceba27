// Paddle Billing: server-created transactions (hosted checkout), subscription cancels and webhook signature checks.
// Sources: PaddleHQ/paddle-node-sdk src/notifications/helpers/webhooks-validator.ts (ts:rawBody, HMAC-SHA256,
// 5 s window), src/internal/api/client.ts (an `environment` that is not a known name is used as the base URL),
// src/resources/subscriptions (POST /subscriptions/{id}/cancel with effective_from), developer.paddle.com
// webhooks/signature-verification (several h1 during secret rotation), errors/subscriptions/
// subscription_update_when_canceled (cancelling a canceled subscription is a 400 with that code).
import crypto from 'node:crypto';
import type * as PaddleSdk from '@paddle/paddle-node-sdk';
import type { Environment } from '@paddle/paddle-node-sdk';
import { lazyRequire } from '../lazy-require.ts';

const paddleSdk = lazyRequire<typeof PaddleSdk>('@paddle/paddle-node-sdk');
import { safeEqual } from '../crypto/safe-equal.ts';

export const MAX_SIGNATURE_AGE_S = 5;

/** Verifies `Paddle-Signature: ts=…;h1=…[;h1=…]` over `${ts}:${rawBody}`; stale or malformed → false. */
export function verifyPaddleSignature(
  rawBody: string | Buffer,
  header: string | undefined,
  secret: string,
  nowMs = Date.now(),
): boolean {
  if (!header) return false;
  let ts = '';
  const h1: string[] = [];
  for (const part of header.split(';')) {
    const [k, v] = part.split('=');
    if (k?.trim() === 'ts' && v) ts = v.trim();
    else if (k?.trim() === 'h1' && v) h1.push(v.trim());
  }
  if (!/^\d+$/.test(ts) || h1.length === 0) return false;
  if (Math.abs(nowMs / 1000 - Number(ts)) > MAX_SIGNATURE_AGE_S) return false;
  const want = crypto.createHmac('sha256', secret).update(`${ts}:`).update(rawBody).digest();
  return h1.some((h) => safeEqual(Buffer.from(h, 'hex'), want));
}

export interface PaddleCheckoutInput {
  orderNumber: string;
  userId: string;
  name: string;
  amountUsdCents: number;
  /** The catalog price (plans/point_packs.paddle_price_id); without it an ad-hoc price of amountUsdCents is sent. */
  paddlePriceId?: string | null;
  /** Monthly recurring (plans) or one-off (packs). */
  recurring: boolean;
}

export interface PaddleClient {
  /** Creates the transaction; resolves its id and the hosted checkout URL. */
  createCheckout(input: PaddleCheckoutInput): Promise<{ transactionId: string; checkoutUrl: string }>;
  /** Cancels a subscription now or at the end of its billing period; one already canceled counts as done. */
  cancelSubscription(subscriptionId: string, opts: { atPeriodEnd: boolean }): Promise<void>;
}

/** Paddle's answers meaning "this subscription is already canceled". */
const ALREADY_CANCELED = new Set(['subscription_update_when_canceled', 'subscription_is_canceled_action_invalid']);

export function createPaddleClient(cfg: { apiKey: string; apiBase: string }): PaddleClient {
  // The SDK takes an unknown environment string as the base URL (client.ts getBaseUrl).
  const { Paddle } = paddleSdk();
  const paddle = new Paddle(cfg.apiKey, { environment: cfg.apiBase.replace(/\/$/, '') as unknown as Environment });
  return {
    async createCheckout(input) {
      const item = input.paddlePriceId
        ? { priceId: input.paddlePriceId, quantity: 1 }
        : {
            quantity: 1,
            price: {
              description: input.name,
              name: input.name,
              unitPrice: { amount: String(input.amountUsdCents), currencyCode: 'USD' as const },
              // Our prices are what the customer pays: Paddle takes the tax out of them (docs/payments.md).
              taxMode: 'internal' as const,
              product: { name: input.name, taxCategory: 'standard' as const },
              ...(input.recurring ? { billingCycle: { interval: 'month' as const, frequency: 1 } } : {}),
            },
          };
      const tx = await paddle.transactions.create({
        items: [item as never],
        collectionMode: 'automatic',
        customData: { order_number: input.orderNumber, user_id: input.userId },
      });
      if (!tx.checkout?.url) throw new Error('Paddle returned no checkout URL (set a default payment link)');
      return { transactionId: tx.id, checkoutUrl: tx.checkout.url };
    },
    async cancelSubscription(subscriptionId, opts) {
      try {
        await paddle.subscriptions.cancel(subscriptionId, {
          effectiveFrom: opts.atPeriodEnd ? 'next_billing_period' : 'immediately',
        });
      } catch (err) {
        if (ALREADY_CANCELED.has((err as { code?: string }).code ?? '')) return;
        throw err;
      }
    },
  };
}
