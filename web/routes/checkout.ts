// POST /api/v1/checkout: creates an order and answers what the browser does next (post a form to ECPay, or go to
// Paddle's hosted checkout). POST /api/v1/renewal/cancel: the provider stops charging, the plan stays until its
// paid period ends. Cookie-authenticated and state-changing, so both need the CSRF header (crumb).
import Joi from 'joi';
import type { Server } from '@hapi/hapi';
import { userOf, type WebDeps } from './web-deps.ts';
import type { CheckoutDto, RenewalCancelDto } from '../dto.ts';
import { presentRenewalCancel } from '../presenters.ts';

export function checkoutRoutes(server: Server, d: WebDeps) {
  server.route({
    method: 'POST',
    path: '/api/v1/checkout',
    options: {
      auth: 'session',
      cors: d.writeCors,
      plugins: { crumb: { restful: true } },
      validate: {
        payload: Joi.object({
          kind: Joi.string().valid('plan', 'pack').required(),
          slug: Joi.string()
            .pattern(/^[a-z0-9-]{1,50}$/)
            .required(),
          method: Joi.string().valid('ecpay', 'paddle').required(),
          // Plans renew every month by card unless false: one month paid once (ECPay: card, ATM, convenience store).
          autoRenew: Joi.boolean(),
        }),
      },
    },
    handler: async (request): Promise<CheckoutDto> => {
      const { kind, slug, method, autoRenew } = request.payload as {
        kind: 'plan' | 'pack';
        slug: string;
        method: 'ecpay' | 'paddle';
        autoRenew?: boolean;
      };
      const { order, start } = await d.billing.checkout(userOf(request), { kind, slug }, method, { autoRenew });
      return {
        orderNumber: order.orderNumber,
        amountMinor: order.amountMinor,
        currency: order.currency,
        autoRenew: order.autoRenew,
        next: start,
      };
    },
  });

  server.route({
    method: 'POST',
    path: '/api/v1/renewal/cancel',
    options: {
      auth: 'session',
      cors: d.writeCors,
      plugins: { crumb: { restful: true } },
      validate: { payload: Joi.object({}).allow(null) },
    },
    handler: async (request): Promise<RenewalCancelDto> =>
      presentRenewalCancel(await d.billing.cancelRenewal(userOf(request))),
  });
}
