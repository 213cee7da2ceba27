// Routes whose sender signs the exact bytes (chat webhooks, payment and provider callbacks): the body is kept raw
// so the signature is checked over it before anything is parsed.
import type { RouteOptions } from '@hapi/hapi';

/** No hapi auth (each route verifies its sender) and the body as raw bytes, which the signatures cover; 1 MiB at most. */
export const rawBodyRoute: RouteOptions = {
  auth: false,
  payload: { parse: false, output: 'data', maxBytes: 1024 * 1024 },
};

/** The raw body parsed as JSON, or undefined when it is not JSON (the route answers 400 'malformed JSON'). */
export function parseJson<T>(raw: Buffer): T | undefined {
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
