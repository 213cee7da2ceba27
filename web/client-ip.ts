// The client's address for per-IP limits. By default the socket's peer: no forwarded header is trusted, since anyone
// can send one. Behind a TLS proxy or load balancer every request comes from the proxy, so TRUST_PROXY says which
// peers are ours — a hop count (1: the proxy in front of us) or addresses/CIDRs ("10.0.0.0/8", "loopback") — and
// the address is read from X-Forwarded-For up to the first untrusted hop (proxy-addr, as Express does).
import proxyaddr from 'proxy-addr';
import type { Request, Server } from '@hapi/hapi';

export type TrustProxy = number | string[] | undefined;

const INSTALLED = Symbol('client-ip');

/** Works out each request's client address once, at onRequest; idempotent (the web and chat wiring both call it). */
export function installClientIp(server: Server, trust: TrustProxy): void {
  const app = server.app as Record<symbol, unknown>;
  if (app[INSTALLED]) return;
  app[INSTALLED] = true;
  if (!trust) return;
  const trusted = typeof trust === 'number' ? (_addr: string, i: number) => i < trust : proxyaddr.compile(trust);
  server.ext('onRequest', (request, h) => {
    (request.app as { clientIp?: string }).clientIp = proxyaddr(request.raw.req, trusted);
    return h.continue;
  });
}

export const clientIp = (request: Request): string =>
  (request.app as { clientIp?: string }).clientIp ?? (request.info.remoteAddress || 'unknown');
