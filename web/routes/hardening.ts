// CSRF (crumb, double-submit header) for cookie-authenticated state changes under /api/v1, and the per-IP rate
// limit (seed: 100 req/min) for the web app's routes. Signed payment callbacks are exempt from both.
import type { Plugin } from '@hapi/hapi';
// @ts-expect-error @hapi/crumb ships no type declarations
import CrumbModule from '@hapi/crumb';

const Crumb = CrumbModule as { plugin: Plugin<unknown> };
import type { Server } from '@hapi/hapi';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { clientIp } from '../client-ip.ts';

const isCallback = (p: string) => p.startsWith('/api/v1/payments/');
const isOurs = (p: string) => (p.startsWith('/api/v1/') && !isCallback(p)) || p.startsWith('/auth/');

export async function harden(server: Server, opts: { secure: boolean; perMinute: number; redis?: Redis }) {
  await server.register({
    plugin: Crumb,
    options: {
      restful: true,
      cookieOptions: { path: '/', isSecure: opts.secure, isHttpOnly: false, isSameSite: 'Lax' },
      skip: (request: { path: string }) => !request.path.startsWith('/api/v1/') || isCallback(request.path),
    },
  });

  const memory = new RateLimiterMemory({ keyPrefix: 'web-ip', points: opts.perMinute, duration: 60 });
  const limiter = opts.redis
    ? new RateLimiterRedis({
        storeClient: opts.redis,
        keyPrefix: 'vidgo:web-ip',
        points: opts.perMinute,
        duration: 60,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;
  server.ext('onRequest', async (request, h) => {
    if (!isOurs(request.path)) return h.continue;
    try {
      await limiter.consume(clientIp(request)); // the socket peer, or the forwarded client behind TRUST_PROXY
      return h.continue;
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      return h
        .response({ error: 'too many requests' })
        .code(429)
        .header('retry-after', String(Math.ceil(res.msBeforeNext / 1000)))
        .takeover();
    }
  });
}
