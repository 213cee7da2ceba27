// Payment provider callbacks (signed, so exempt from CSRF and session). Both verify the exact bytes first.
// ECPay ReturnURL (api-contracts.md §9): answer `1|OK` only once the payment is durably recorded, `0|…` otherwise;
// SimulatePaid=1 never credits; never branch on RtnMsg. Paddle (§10): Paddle-Signature over `ts:rawBody`,
// 5 s window, dedupe on event_id, answer within 5 s. ECPay PeriodReturnURL (periodic card payments, see
// infra/payments/ecpay.ts for sources): each later authorization of a plan bought with auto-renewal, keyed by
// (MerchantTradeNo, TotalSuccessTimes), becomes its own paid order; same `1|OK` / `0|…` rule.
import crypto from 'node:crypto';
import Joi from 'joi';
import { QueryTypes } from 'sequelize';
import type { Server } from '@hapi/hapi';
import { readCallback, readPeriodCallback } from '../../infra/payments/ecpay.ts';
import { verifyPaddleSignature } from '../../infra/payments/paddle.ts';
import type { WebDeps } from './web-deps.ts';

const raw = { parse: false, output: 'data', maxBytes: 256 * 1024 } as const;

export function paymentRoutes(server: Server, d: WebDeps) {
  server.route({
    method: 'POST',
    path: '/api/v1/payments/ecpay/callback',
    options: { auth: false, payload: raw, plugins: { crumb: false } },
    handler: async (request, h) => {
      const text = (body: string) => h.response(body).type('text/plain');
      const verdict = readCallback(Buffer.from(request.payload as Buffer).toString('utf8'), d.ecpay);
      if (verdict.kind === 'invalid') {
        d.log.warn({ reason: verdict.reason, ip: request.info.remoteAddress }, 'ecpay callback refused');
        return text('0|CheckMacValue error');
      }
      if (verdict.kind !== 'paid') {
        d.log.info({ order: verdict.orderNumber, kind: verdict.kind }, 'ecpay callback without payment; nothing changed');
        return text('1|OK');
      }
      try {
        const r = await d.billing.fulfilPaidOrder(verdict.orderNumber, {
          provider: 'ecpay', externalId: verdict.tradeNo, amountMinor: verdict.amount, currency: 'TWD',
          raw: Object.fromEntries(new URLSearchParams(Buffer.from(request.payload as Buffer).toString('utf8'))),
        });
        return text(r === 'rejected' ? '0|order mismatch' : '1|OK');
      } catch (err) {
        d.log.error({ err, order: verdict.orderNumber }, 'ecpay fulfilment failed; ECPay will retry');
        return text('0|error').code(500);
      }
    },
  });

  server.route({
    method: 'POST',
    path: '/api/v1/payments/ecpay/period',
    options: { auth: false, payload: raw, plugins: { crumb: false } },
    handler: async (request, h) => {
      const text = (body: string) => h.response(body).type('text/plain');
      const body = Buffer.from(request.payload as Buffer).toString('utf8');
      const verdict = readPeriodCallback(body, d.ecpay);
      if (verdict.kind === 'invalid') {
        d.log.warn({ reason: verdict.reason, ip: request.info.remoteAddress }, 'ecpay period callback refused');
        return text('0|CheckMacValue error');
      }
      if (verdict.kind !== 'paid') {
        // A failed authorization changes nothing: the subscription runs to its end date.
        d.log.warn({ order: verdict.orderNumber, count: verdict.count, kind: verdict.kind, rtnCode: verdict.rtnCode }, 'ecpay periodic authorization without payment; nothing changed');
        return text('1|OK');
      }
      if (verdict.count < 2) {
        // The first authorization is the checkout itself, fulfilled from ReturnURL.
        d.log.info({ order: verdict.orderNumber, count: verdict.count }, 'ecpay period callback for the first authorization; nothing to do');
        return text('1|OK');
      }
      try {
        const r = await d.billing.fulfilRenewal(verdict.orderNumber, verdict.count, {
          provider: 'ecpay', externalId: verdict.gwsr, amountMinor: verdict.amount, currency: 'TWD', raw: Object.fromEntries(new URLSearchParams(body)),
        }, { last: verdict.count >= verdict.execTimes });
        return text(r === 'rejected' ? '0|order mismatch' : '1|OK');
      } catch (err) {
        d.log.error({ err, order: verdict.orderNumber, count: verdict.count }, 'ecpay renewal failed; ECPay will retry');
        return text('0|error').code(500);
      }
    },
  });

  // OrderResultURL: the browser comes back from ECPay with a POST; the result page reads the order's real state.
  server.route({
    method: 'POST',
    path: '/api/v1/payments/ecpay/result',
    options: {
      auth: false, plugins: { crumb: false },
      validate: { payload: Joi.object({ MerchantTradeNo: Joi.string().pattern(/^[A-Za-z0-9]{1,20}$/).required() }).unknown(true) },
    },
    handler: (request, h) => h.redirect(`/result?order=${(request.payload as { MerchantTradeNo: string }).MerchantTradeNo}`).code(303),
  });

  server.route({
    method: 'POST',
    path: '/api/v1/payments/paddle/webhook',
    options: { auth: false, payload: raw, plugins: { crumb: false } },
    handler: async (request, h) => {
      const body = request.payload as Buffer;
      if (!d.paddleWebhookSecret || !verifyPaddleSignature(body, request.headers['paddle-signature'] as string | undefined, d.paddleWebhookSecret)) {
        d.log.warn({ ip: request.info.remoteAddress }, 'paddle webhook refused: bad or stale signature');
        return h.response({ error: 'invalid signature' }).code(401);
      }
      let event: { event_id?: string; event_type?: string; data?: Record<string, any> };
      try { event = JSON.parse(body.toString('utf8')); } catch { return h.response({ error: 'bad json' }).code(400); }
      if (!event.event_id || !event.event_type || !event.data) return h.response({ error: 'bad event' }).code(400);
      const seen = await d.db.query(`SELECT 1 FROM processed_events WHERE source = 'paddle' AND event_id = $1`, { bind: [event.event_id], type: QueryTypes.SELECT });
      if (seen.length) return { ok: true, duplicate: true };
      await handlePaddleEvent(d, event.event_type, event.data);
      await d.db.query(`INSERT INTO processed_events (source, event_id) VALUES ('paddle', $1) ON CONFLICT DO NOTHING`, { bind: [event.event_id] });
      return { ok: true };
    },
  });
}

async function handlePaddleEvent(d: WebDeps, type: string, data: Record<string, any>): Promise<void> {
  const custom = (data.custom_data ?? {}) as { order_number?: string; user_id?: string };
  if (type === 'transaction.completed' && custom.order_number) {
    let orderNumber = custom.order_number;
    if (data.origin === 'subscription_recurring') {
      // A renewal carries the first order's custom_data: give it its own order, numbered from the transaction id.
      const first = await d.repo.order(custom.order_number);
      if (!first?.planSlug) return d.log.warn({ tx: data.id }, 'paddle renewal for an unknown order');
      orderNumber = `PR${crypto.createHash('sha256').update(String(data.id)).digest('hex').slice(0, 18).toUpperCase()}`;
      await d.repo.createOrder({ userId: first.userId, kind: 'plan', slug: first.planSlug, method: 'paddle', orderNumber });
    }
    const totals = data.details?.totals ?? {};
    const order = await d.repo.order(orderNumber);
    // Tax may be added on top of our price: the pre-tax subtotal or the grand total must equal the order.
    const amounts = [totals.subtotal, totals.grand_total].map((v) => Number.parseInt(String(v), 10));
    const amountMinor = order && amounts.includes(order.amountMinor) ? order.amountMinor : amounts[1]!;
    const r = await d.billing.fulfilPaidOrder(orderNumber, { provider: 'paddle', externalId: String(data.id), amountMinor, currency: data.currency_code, raw: { id: data.id, totals } });
    if (r === 'rejected') d.log.warn({ order: orderNumber, tx: data.id }, 'paddle payment rejected');
    if (data.subscription_id) await d.repo.linkSubscription(orderNumber, String(data.subscription_id));
  } else if ((type === 'subscription.created' || type === 'subscription.activated') && custom.order_number) {
    await d.repo.linkSubscription(custom.order_number, String(data.id));
  } else if (type === 'subscription.canceled') {
    await d.repo.stopRenewal(String(data.id));
  }
}
