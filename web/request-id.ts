// Request ids: a caller's X-Request-Id is kept when it is a plain token (no spaces or control characters, so it
// cannot forge log lines), else one is made. It becomes hapi's request.info.id (hapi-pino logs it as req.id),
// enters the log context it is given (every line written while handling carries reqId) and is returned on the
// response.
import { randomUUID } from 'node:crypto';
import type { Server } from '@hapi/hapi';

export const REQUEST_ID_HEADER = 'x-request-id';
const TOKEN = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Sets the log context for the rest of the request's call chain (app/ hands the logger's own). */
export type EnterLogContext = (ctx: { reqId: string }) => void;

export function installRequestIds(server: Server, enterLogContext?: EnterLogContext): void {
  server.ext('onRequest', (request, h) => {
    const given = request.headers[REQUEST_ID_HEADER];
    const id = typeof given === 'string' && TOKEN.test(given) ? given : randomUUID();
    (request.info as { id: string }).id = id;
    enterLogContext?.({ reqId: id });
    // On the raw response: Node merges it into whatever response hapi writes, a replaced or error one included.
    request.raw.res.setHeader(REQUEST_ID_HEADER, id);
    return h.continue;
  });
}
