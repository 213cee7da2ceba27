// One place where core's typed refusals become HTTP answers (hapi pal style): routes never try/catch. Any
// DomainError answers the status of its kind, its code and, for a signed-in user, the reason in their language
// (web.error.<code>, where the locales have one).
import Boom from '@hapi/boom';
import type { Server } from '@hapi/hapi';
import { DomainError, type DomainErrorKind } from '../core/domain-error.ts';
import type { Msg } from '../core/model.ts';

const STATUS: Record<DomainErrorKind, number> = {
  not_found: 404,
  invalid: 400,
  conflict: 409,
  forbidden: 403,
  rate_limited: 429,
  upstream: 502,
};
/** Seconds a client is asked to wait after too many checkouts (the limit is per hour). */
const CHECKOUT_RETRY_AFTER_S = 3600;

/** The DomainError a response stands for: thrown as is, or already wrapped by hapi into a 500 Boom. */
function domainErrorOf(response: unknown): DomainError | null {
  if (response instanceof DomainError) return response;
  const data = (response as { data?: unknown } | null)?.data;
  return data instanceof DomainError ? data : null;
}

export function mapErrors(server: Server, translate?: (userId: string, msg: Msg) => Promise<string>) {
  server.ext('onPreResponse', async (request, h) => {
    const err = domainErrorOf(request.response);
    if (!err) return h.continue;
    const boom = Boom.boomify(err, { statusCode: STATUS[err.kind], override: true });
    const userId = (request.auth?.credentials as { userId?: string } | null)?.userId;
    const key = `web.error.${err.code}`;
    const text = userId && translate ? await translate(userId, { key }).catch(() => null) : null;
    // A translator answers a key it has no text for with the key itself: no message then.
    const message = text && text !== key ? text : null;
    boom.output.payload = { ...boom.output.payload, code: err.code, ...(message ? { message } : {}) };
    if (err.code === 'too_many_checkouts') boom.output.headers['retry-after'] = String(CHECKOUT_RETRY_AFTER_S);
    return boom;
  });
}
