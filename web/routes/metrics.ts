// GET /metrics: the Prometheus text exposition, for a scraper holding METRICS_TOKEN as a bearer token
// (Prometheus scrape_config `authorization: { credentials: … }`, docs/operations.md). Without the token the
// route is not registered at all (404). Also counts every answered request by route pattern and status, and
// reads from the webhook and payment-callback answers what they did with a request: a refused signature is
// answered 401 (or 429 once the IP's budget of refusals is spent), ECPay says `0|CheckMacValue error`.
import type { Request, Server } from '@hapi/hapi';

type Labels<K extends string> = Partial<Record<K, string>>;
/** What this route counts into and serves (the Prometheus registry). */
export interface HttpMetrics {
  readonly contentType: string;
  text(): Promise<string>;
  httpRequests: { inc(labels: Labels<'method' | 'route' | 'status'>): void };
  httpDuration: { observe(labels: Labels<'method' | 'route'>, seconds: number): void };
  webhookEvents: { inc(labels: Labels<'platform' | 'outcome'>): void };
  paymentCallbacks: { inc(labels: Labels<'provider' | 'outcome'>): void };
}

/** A chat platform's webhook is POST /webhooks/<platform> (bot/<platform>/webhook-route.ts): its label is the name. */
const webhookPlatform = (route: string) => /^\/webhooks\/([a-z]+)$/.exec(route)?.[1];
const PAYMENTS: Record<string, string> = {
  '/api/v1/payments/ecpay/callback': 'ecpay',
  '/api/v1/payments/ecpay/period': 'ecpay',
  '/api/v1/payments/paddle/webhook': 'paddle',
};

export function metricsRoutes(
  server: Server,
  o: { metrics: HttpMetrics; token: string; safeEqual(a: string, b: string): boolean },
) {
  const expected = `Bearer ${o.token}`;
  server.route({
    method: 'GET',
    path: '/metrics',
    options: { auth: false },
    handler: async (request, h) => {
      const given = request.headers.authorization;
      if (typeof given !== 'string' || !o.safeEqual(given, expected)) {
        return h
          .response({ error: 'metrics need the bearer token' })
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"');
      }
      return h
        .response(await o.metrics.text())
        .type(o.metrics.contentType)
        .header('cache-control', 'no-store');
    },
  });
  server.events.on('response', (request) => observe(o.metrics, request));
}

function observe(m: HttpMetrics, request: Request): void {
  const res = request.response as { statusCode?: number; source?: unknown } | null;
  const status = res?.statusCode ?? 0;
  // Unmatched paths (hapi's not-found route) share one label, so a scanner cannot grow the series without bound.
  const route = !request.route?.path || request.route.path === '/{p*}' ? 'unmatched' : request.route.path;
  const method = request.method.toUpperCase();
  m.httpRequests.inc({ method, route, status: String(status) });
  const end = request.info.completed || request.info.responded || Date.now();
  m.httpDuration.observe({ method, route }, Math.max(0, end - request.info.received) / 1000);

  const platform = webhookPlatform(route);
  if (platform && (status === 401 || status === 429)) m.webhookEvents.inc({ platform, outcome: 'bad_signature' });
  const provider = PAYMENTS[route];
  if (provider) m.paymentCallbacks.inc({ provider, outcome: paymentOutcome(status, res?.source) });
}

function paymentOutcome(status: number, source: unknown): string {
  if (status >= 500) return 'error';
  if (status === 401 || (typeof source === 'string' && source.startsWith('0|CheckMacValue'))) return 'bad_signature';
  if (status >= 400 || (typeof source === 'string' && source.startsWith('0|'))) return 'rejected';
  if (source && typeof source === 'object' && (source as { duplicate?: unknown }).duplicate === true)
    return 'duplicate';
  return 'accepted';
}
