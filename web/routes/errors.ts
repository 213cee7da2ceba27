// One place where typed errors become HTTP answers (hapi pal style): routes never try/catch.
import Boom from '@hapi/boom';
import type { Server } from '@hapi/hapi';
import { BillingError } from '../../core/billing/billing-service.ts';

const STATUS: Record<BillingError['code'], number> = { unknown_item: 404, not_found: 404, method_unavailable: 409, gateway_failed: 502 };

export function mapErrors(server: Server) {
  server.ext('onPreResponse', (request, h) => {
    const r = request.response;
    const err = (r as { data?: unknown } | null)?.data instanceof BillingError ? (r as { data: BillingError }).data : r instanceof BillingError ? r : null;
    if (err) return Boom.boomify(err, { statusCode: STATUS[err.code as BillingError['code']], override: true });
    return h.continue;
  });
}
