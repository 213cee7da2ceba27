// One place where typed errors become HTTP answers (hapi pal style): routes never try/catch. A billing error
// answers its code and, for a signed-in user, the reason in their language (web.error.<code>).
import Boom from '@hapi/boom';
import type { Server } from '@hapi/hapi';
import { BillingError } from '../../core/billing/billing-service.ts';
import type { Msg } from '../../core/model.ts';

const STATUS: Record<BillingError['code'], number> = {
  unknown_item: 404,
  not_found: 404,
  method_unavailable: 409,
  gateway_failed: 502,
  too_many_checkouts: 429,
};
/** Seconds a client is asked to wait after too many checkouts (the limit is per hour). */
const CHECKOUT_RETRY_AFTER_S = 3600;

export function mapErrors(server: Server, translate?: (userId: string, msg: Msg) => Promise<string>) {
  server.ext('onPreResponse', async (request, h) => {
    const r = request.response;
    const err =
      (r as { data?: unknown } | null)?.data instanceof BillingError
        ? (r as { data: BillingError }).data
        : r instanceof BillingError
          ? r
          : null;
    if (!err) return h.continue;
    const boom = Boom.boomify(err, { statusCode: STATUS[err.code], override: true });
    const userId = (request.auth?.credentials as { userId?: string } | null)?.userId;
    const message =
      userId && translate ? await translate(userId, { key: `web.error.${err.code}` }).catch(() => null) : null;
    boom.output.payload = { ...boom.output.payload, code: err.code, ...(message ? { message } : {}) };
    if (err.code === 'too_many_checkouts') boom.output.headers['retry-after'] = String(CHECKOUT_RETRY_AFTER_S);
    return boom;
  });
}
