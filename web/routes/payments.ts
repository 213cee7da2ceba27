// Payment provider callbacks (signed, so exempt from CSRF and session). Each reads the exact bytes through the
// provider's verifier first (wired in app/), then hands the notice to core/billing's ProviderEvents and
// presents its answer. ECPay ReturnURL and PeriodReturnURL: `1|OK` only once the payment is durably recorded,
// `0|…` otherwise. Paddle: Paddle-Signature over `ts:rawBody`, 5 s window, answer within 5 s. Sources:
// docs/payments.md.
import Joi from 'joi';
import type { ResponseToolkit, Server } from '@hapi/hapi';
import type { EcpayAnswer } from '../../core/billing/provider-events.ts';
import type { WebDeps } from './web-deps.ts';

const raw = { parse: false, output: 'data', maxBytes: 256 * 1024 } as const;
const utf8 = (payload: unknown) => Buffer.from(payload as Buffer).toString('utf8');
const fields = (body: string) => Object.fromEntries(new URLSearchParams(body));

const text = (h: ResponseToolkit, body: string) => h.response(body).type('text/plain');
const ecpayText = (h: ResponseToolkit, a: EcpayAnswer) =>
  a === 'ok' ? text(h, '1|OK') : a === 'mismatch' ? text(h, '0|order mismatch') : text(h, '0|error').code(500);

export function paymentRoutes(server: Server, d: WebDeps) {
  const { readers, events } = d.payments;

  server.route({
    method: 'POST',
    path: '/api/v1/payments/ecpay/callback',
    options: { auth: false, payload: raw, plugins: { crumb: false } },
    handler: async (request, h) => {
      const body = utf8(request.payload);
      const notice = readers.ecpayPayment(body);
      if (notice.kind === 'invalid') {
        d.log.warn({ reason: notice.reason, ip: request.info.remoteAddress }, 'ecpay callback refused');
        return text(h, '0|CheckMacValue error');
      }
      return ecpayText(h, await events.ecpayPayment(notice, fields(body)));
    },
  });

  server.route({
    method: 'POST',
    path: '/api/v1/payments/ecpay/period',
    options: { auth: false, payload: raw, plugins: { crumb: false } },
    handler: async (request, h) => {
      const body = utf8(request.payload);
      const notice = readers.ecpayPeriod(body);
      if (notice.kind === 'invalid') {
        d.log.warn({ reason: notice.reason, ip: request.info.remoteAddress }, 'ecpay period callback refused');
        return text(h, '0|CheckMacValue error');
      }
      return ecpayText(h, await events.ecpayPeriod(notice, fields(body)));
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
      if (!readers.paddleSignatureValid(body, request.headers['paddle-signature'] as string | undefined)) {
        d.log.warn({ ip: request.info.remoteAddress }, 'paddle webhook refused: bad or stale signature');
        return h.response({ error: 'invalid signature' }).code(401);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return h.response({ error: 'bad json' }).code(400);
      }
      const answer = await events.paddle(parsed);
      if (answer === 'bad_event') return h.response({ error: 'bad event' }).code(400);
      return { ok: true, ...(answer === 'duplicate' ? { duplicate: true } : {}) };
    },
  });
}
