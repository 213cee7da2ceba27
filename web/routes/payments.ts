// Payment provider callbacks (signed, so exempt from CSRF and session). Each verifies the exact bytes first,
// translates the provider's format into a billing event (infra/payments) and hands it to core/billing; the answer
// is presented here. ECPay ReturnURL and PeriodReturnURL: `1|OK` only once the payment is durably recorded,
// `0|…` otherwise; SimulatePaid=1 never credits; never branch on RtnMsg. Paddle: Paddle-Signature over
// `ts:rawBody`, 5 s window, dedupe on event_id, answer within 5 s. Sources: docs/payments.md.
import Joi from 'joi';
import type { Server } from '@hapi/hapi';
import type { EventOutcome } from '../../core/billing/ports.ts';
import { readCallback, readPeriodCallback } from '../../infra/payments/ecpay.ts';
import { verifyPaddleSignature } from '../../infra/payments/paddle.ts';
import { fromPaddle, type PaddleEnvelope } from '../../infra/payments/paddle-events.ts';
import type { WebDeps } from './web-deps.ts';

const raw = { parse: false, output: 'data', maxBytes: 256 * 1024 } as const;
const utf8 = (payload: unknown) => Buffer.from(payload as Buffer).toString('utf8');
/** ECPay's answer for what billing did: recorded (even a charge kept for a refund) is `1|OK`. */
const ecpayAnswer = (r: EventOutcome) => (r === 'rejected' || r === 'unknown' ? '0|order mismatch' : '1|OK');

export function paymentRoutes(server: Server, d: WebDeps) {
  server.route({
    method: 'POST',
    path: '/api/v1/payments/ecpay/callback',
    options: { auth: false, payload: raw, plugins: { crumb: false } },
    handler: async (request, h) => {
      const text = (body: string) => h.response(body).type('text/plain');
      const body = utf8(request.payload);
      const verdict = readCallback(body, d.ecpay);
      if (verdict.kind === 'invalid') {
        d.log.warn({ reason: verdict.reason, ip: request.info.remoteAddress }, 'ecpay callback refused');
        return text('0|CheckMacValue error');
      }
      if (verdict.kind !== 'paid') {
        d.log.info(
          { order: verdict.orderNumber, kind: verdict.kind },
          'ecpay callback without payment; nothing changed',
        );
        return text('1|OK');
      }
      try {
        const r = await d.billing.handle({
          kind: 'paid',
          orderNumber: verdict.orderNumber,
          payment: {
            provider: 'ecpay',
            externalId: verdict.tradeNo,
            amountMinor: verdict.amount,
            currency: 'TWD',
            raw: Object.fromEntries(new URLSearchParams(body)),
          },
        });
        return text(ecpayAnswer(r));
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
      const body = utf8(request.payload);
      const verdict = readPeriodCallback(body, d.ecpay);
      if (verdict.kind === 'invalid') {
        d.log.warn({ reason: verdict.reason, ip: request.info.remoteAddress }, 'ecpay period callback refused');
        return text('0|CheckMacValue error');
      }
      if (verdict.kind !== 'paid') {
        // A failed authorization changes nothing: the subscription runs to its end date.
        d.log.warn(
          { order: verdict.orderNumber, count: verdict.count, kind: verdict.kind, rtnCode: verdict.rtnCode },
          'ecpay periodic authorization without payment; nothing changed',
        );
        return text('1|OK');
      }
      if (verdict.count < 2) {
        // The first authorization is the checkout itself, fulfilled from ReturnURL.
        d.log.info(
          { order: verdict.orderNumber, count: verdict.count },
          'ecpay period callback for the first authorization; nothing to do',
        );
        return text('1|OK');
      }
      try {
        const r = await d.billing.handle({
          kind: 'renewal',
          provider: 'ecpay',
          scheduleRef: verdict.orderNumber,
          orderHint: verdict.orderNumber,
          chargeKey: String(verdict.count),
          last: verdict.count >= verdict.execTimes,
          payment: {
            provider: 'ecpay',
            externalId: verdict.gwsr,
            amountMinor: verdict.amount,
            currency: 'TWD',
            raw: Object.fromEntries(new URLSearchParams(body)),
          },
        });
        return text(ecpayAnswer(r));
      } catch (err) {
        d.log.error(
          { err, order: verdict.orderNumber, count: verdict.count },
          'ecpay renewal failed; ECPay will retry',
        );
        return text('0|error').code(500);
      }
    },
  });

  // OrderResultURL: the browser comes back from ECPay with a POST; the result page reads the order's real state.
  server.route({
    method: 'POST',
    path: '/api/v1/payments/ecpay/result',
    options: {
      auth: false,
      plugins: { crumb: false },
      validate: {
        payload: Joi.object({
          MerchantTradeNo: Joi.string()
            .pattern(/^[A-Za-z0-9]{1,20}$/)
            .required(),
        }).unknown(true),
      },
    },
    handler: (request, h) =>
      h.redirect(`/result?order=${(request.payload as { MerchantTradeNo: string }).MerchantTradeNo}`).code(303),
  });

  server.route({
    method: 'POST',
    path: '/api/v1/payments/paddle/webhook',
    options: { auth: false, payload: raw, plugins: { crumb: false } },
    handler: async (request, h) => {
      const body = request.payload as Buffer;
      if (
        !d.paddleWebhookSecret ||
        !verifyPaddleSignature(body, request.headers['paddle-signature'] as string | undefined, d.paddleWebhookSecret)
      ) {
        d.log.warn({ ip: request.info.remoteAddress }, 'paddle webhook refused: bad or stale signature');
        return h.response({ error: 'invalid signature' }).code(401);
      }
      let event: Partial<PaddleEnvelope>;
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        return h.response({ error: 'bad json' }).code(400);
      }
      if (
        typeof event.event_id !== 'string' ||
        typeof event.event_type !== 'string' ||
        !event.data ||
        typeof event.data !== 'object'
      ) {
        return h.response({ error: 'bad event' }).code(400);
      }
      const mapped = fromPaddle(event as PaddleEnvelope);
      if ('ignored' in mapped)
        d.log.info({ event: event.event_id, type: event.event_type, why: mapped.ignored }, 'paddle event not acted on');
      const outcome = await d.billing.handleOnce('paddle', event.event_id, 'event' in mapped ? mapped.event : null);
      return { ok: true, ...(outcome === 'already' ? { duplicate: true } : {}) };
    },
  });
}
