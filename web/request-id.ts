// Request ids: a caller's X-Request-Id is kept when it is a plain token (no spaces or control characters, so it
// cannot forge log lines), else one is made. It becomes hapi's request.info.id (hapi-pino logs it as req.id),
// enters the log context (every line written while handling carries reqId, infra/log/context.ts) and is
// returned on the response.
import { randomUUID } from 'node:crypto';
import type { Server } from '@hapi/hapi';
import { enterLogContext } from '../infra/log/context.ts';

export const REQUEST_ID_HEADER = 'x-request-id';
const TOKEN = /^[A-Za-z0-9._:@-]{1,128}$/;

export function installRequestIds(server: Server): void {
  server.ext('onRequest', (request, h) => {
    const given = request.headers[REQUEST_ID_HEADER];
    const id = typeof given === 'string' && TOKEN.test(given) ? given : randomUUID();
    (request.info as { id: string }).id = id;
    enterLogContext({ reqId: id });
    // On the raw response: Node merges it into whatever response hapi writes, a replaced or error one included.
    request.raw.res.setHeader(REQUEST_ID_HEADER, id);
    return h.continue;
  });
}
