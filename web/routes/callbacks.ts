// Provider completion callbacks: POST /callbacks/pollo/{token} (the per-request webhookUrl we registered) and
// POST /callbacks/leonardo (the URL set on the Leonardo API key). Verified over the raw bytes before anything is
// parsed; a verified callback only wakes the run waiting on that job, which then polls the provider and finishes
// through the same idempotent path as any poll. So a replayed callback is one extra poll, and a refused one
// (401) changes nothing at all.
import type { Server } from '@hapi/hapi';
import {
  CALLBACK_PATHS,
  generationOfToken,
  leonardoBearerValid,
  polloSignatureValid,
} from '../../infra/providers/callbacks.ts';
import { generationKey, jobKey } from '../../infra/providers/completion-signals.ts';
import { parseJson, rawBodyRoute } from '../../bot/webhook.ts';

export interface CallbackRouteDeps {
  /** Key of the per-generation tokens in Pollo's webhookUrl (callbackTokenKey). */
  tokenKey: Buffer;
  /** POLLO_WEBHOOK_SECRET: when set, Pollo's signature is required as well as our token. */
  polloSecret?: string;
  /** LEONARDO_WEBHOOK_KEY: without it the Leonardo route is not offered. */
  leonardoKey?: string;
  signals: { wake(key: string): Promise<void> };
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;
const options = { ...rawBodyRoute, payload: { ...rawBodyRoute.payload, maxBytes: 256 * 1024 } };

export function callbackRoutes(server: Server, d: CallbackRouteDeps): void {
  server.route({
    method: 'POST',
    path: `${CALLBACK_PATHS.pollo}/{token}`,
    options,
    handler: async (request, h) => {
      const raw = request.payload as Buffer;
      const generationId = generationOfToken(d.tokenKey, String(request.params.token ?? ''));
      if (
        !generationId ||
        !Buffer.isBuffer(raw) ||
        (d.polloSecret &&
          !polloSignatureValid(d.polloSecret, request.headers as Record<string, string | undefined>, raw))
      ) {
        d.log.warn({ provider: 'pollo' }, 'provider callback refused');
        return h.response({ error: 'not verified' }).code(401);
      }
      if (parseJson(raw) === undefined) return h.response({ error: 'malformed JSON' }).code(400);
      await d.signals.wake(generationKey(generationId));
      return h.response({}).code(200);
    },
  });
  if (!d.leonardoKey) return;
  const leonardoKey = d.leonardoKey;
  server.route({
    method: 'POST',
    path: CALLBACK_PATHS.leonardo,
    options,
    handler: async (request, h) => {
      const raw = request.payload as Buffer;
      if (!Buffer.isBuffer(raw) || !leonardoBearerValid(leonardoKey, String(request.headers.authorization ?? ''))) {
        d.log.warn({ provider: 'leonardo' }, 'provider callback refused');
        return h.response({ error: 'not verified' }).code(401);
      }
      const body = parseJson<{ data?: { object?: { id?: unknown } } }>(raw);
      if (body === undefined) return h.response({ error: 'malformed JSON' }).code(400);
      // The documented envelope is { type, object, data: { object: { id, status, … } } }; id = the generationId.
      const id = body?.data?.object?.id;
      if (typeof id !== 'string' || !JOB_ID.test(id)) return h.response({ error: 'no generation id' }).code(400);
      await d.signals.wake(jobKey('leonardo', id));
      return h.response({}).code(200);
    },
  });
}
