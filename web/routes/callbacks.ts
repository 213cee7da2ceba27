// Provider completion callbacks: POST /callbacks/pollo/{token} (the per-request webhookUrl we registered) and
// POST /callbacks/leonardo (the URL set on the Leonardo API key). Verified over the raw bytes before anything is
// parsed; a verified callback only wakes the run waiting on that job, which then polls the provider and finishes
// through the same idempotent path as any poll. So a replayed callback is one extra poll, and a refused one
// (401) changes nothing at all.
import type { Server } from '@hapi/hapi';
import { parseJson, rawBodyRoute } from '../raw-body.ts';

/** The providers' callback checks and the wake-ups they lead to (wired in app/wire-callbacks.ts). */
export interface CallbackRouteDeps {
  paths: { pollo: string; leonardo: string };
  /**
   * The generation a Pollo callback is for: its URL token names it, and (with POLLO_WEBHOOK_SECRET) its signature
   * holds; null otherwise.
   */
  polloGeneration(token: string, headers: Record<string, string | undefined>, raw: Buffer): string | null;
  /** Whether Leonardo's bearer key is ours; without it (no LEONARDO_WEBHOOK_KEY) the route is not offered. */
  leonardoBearerValid?: (authorization: string) => boolean;
  /** Wakes the run waiting on a generation, or on a provider's job. */
  wakeGeneration(generationId: string): Promise<void>;
  wakeJob(provider: 'leonardo', jobId: string): Promise<void>;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;
const options = { ...rawBodyRoute, payload: { ...rawBodyRoute.payload, maxBytes: 256 * 1024 } };

export function callbackRoutes(server: Server, d: CallbackRouteDeps): void {
  server.route({
    method: 'POST',
    path: `${d.paths.pollo}/{token}`,
    options,
    handler: async (request, h) => {
      const raw = request.payload as Buffer;
      const generationId = Buffer.isBuffer(raw)
        ? d.polloGeneration(
            String(request.params.token ?? ''),
            request.headers as Record<string, string | undefined>,
            raw,
          )
        : null;
      if (!generationId) {
        d.log.warn({ provider: 'pollo' }, 'provider callback refused');
        return h.response({ error: 'not verified' }).code(401);
      }
      if (parseJson(raw) === undefined) return h.response({ error: 'malformed JSON' }).code(400);
      await d.wakeGeneration(generationId);
      return h.response({}).code(200);
    },
  });
  const leonardoValid = d.leonardoBearerValid;
  if (!leonardoValid) return;
  server.route({
    method: 'POST',
    path: d.paths.leonardo,
    options,
    handler: async (request, h) => {
      const raw = request.payload as Buffer;
      if (!Buffer.isBuffer(raw) || !leonardoValid(String(request.headers.authorization ?? ''))) {
        d.log.warn({ provider: 'leonardo' }, 'provider callback refused');
        return h.response({ error: 'not verified' }).code(401);
      }
      const body = parseJson<{ data?: { object?: { id?: unknown } } }>(raw);
      if (body === undefined) return h.response({ error: 'malformed JSON' }).code(400);
      // The documented envelope is { type, object, data: { object: { id, status, … } } }; id = the generationId.
      const id = body?.data?.object?.id;
      if (typeof id !== 'string' || !JOB_ID.test(id)) return h.response({ error: 'no generation id' }).code(400);
      await d.wakeJob('leonardo', id);
      return h.response({}).code(200);
    },
  });
}
