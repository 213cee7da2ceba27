// The one HTTP path every provider client uses: per-request timeout, retries with exponential backoff + jitter on
// 429/5xx (honouring Retry-After), JSON parsing, and mapping of every failure to a typed ProviderError.
import { ProviderError } from '../../core/ports.ts';
import type { ProviderName } from '../../core/model.ts';
import { sleep } from '../../core/sleep.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A backoff an abort cuts short with the abort's reason, so no further attempt is made. */
const backoffSleep: Sleep = (ms, signal) => sleep(ms, signal, 'reject');

export interface HttpOptions {
  provider: ProviderName;
  /** Per request, not per job (a job's deadline is PROVIDER_TIMEOUT_MS, see waitForJob). */
  requestTimeoutMs: number;
  /** Extra attempts after the first on retriable answers. */
  retries: number;
  /** First backoff step; doubles each attempt, with full jitter. */
  backoffMs: number;
  /** A Retry-After longer than this is not waited for: the error goes up so failover can move on. */
  maxRetryAfterMs: number;
  sleep: Sleep;
  /** Provider-specific reading of an error answer (e.g. Pollo 403 "Not enough credits"). */
  classify?: (status: number, body: unknown, text: string) => ProviderError | undefined;
}

export const HTTP_DEFAULTS = {
  requestTimeoutMs: 30_000,
  retries: 3,
  backoffMs: 500,
  maxRetryAfterMs: 60_000,
  sleep: backoffSleep,
};

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
  /** POSTs that start paid jobs are only re-sent when the answer proves nothing was started (429, 502–504). */
  idempotent?: boolean;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function statusError(
  provider: ProviderName,
  status: number,
  text: string,
  retryAfterMs?: number,
): ProviderError {
  const detail = `${provider} HTTP ${status}: ${text.slice(0, 200)}`;
  if (status === 401 || status === 403) return new ProviderError(provider, 'unauthorized', detail, false);
  if (status === 429) return new ProviderError(provider, 'rate_limited', detail, true, retryAfterMs);
  if (status === 402) return new ProviderError(provider, 'insufficient_credits', detail, false);
  if (status >= 500) return new ProviderError(provider, 'server_error', detail, true, retryAfterMs);
  return new ProviderError(provider, 'bad_request', detail, false);
}

function backoff(opts: HttpOptions, attempt: number): number {
  return Math.round(Math.random() * opts.backoffMs * 2 ** attempt); // full jitter
}

/** One JSON request with retries. Resolves with the parsed body (undefined for an empty 2xx body). */
export async function requestJson<T = unknown>(opts: HttpOptions, spec: RequestSpec): Promise<T> {
  const { provider } = opts;
  const mayRetryPost = (status: number) => status === 429 || status === 502 || status === 503 || status === 504;
  for (let attempt = 0; ; attempt++) {
    if (spec.signal?.aborted) throw new ProviderError(provider, 'canceled', `${provider}: canceled`, false);
    const timeout = AbortSignal.timeout(opts.requestTimeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await fetch(spec.url, {
        method: spec.method,
        headers: {
          accept: 'application/json',
          ...(spec.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...spec.headers,
        },
        body: spec.body !== undefined ? JSON.stringify(spec.body) : undefined,
        signal,
      });
      text = await res.text();
    } catch (err) {
      let e: ProviderError;
      if (spec.signal?.aborted) e = new ProviderError(provider, 'canceled', `${provider}: canceled`, false);
      else if (timeout.aborted)
        e = new ProviderError(provider, 'timeout', `${provider}: no answer within ${opts.requestTimeoutMs} ms`, true);
      else e = new ProviderError(provider, 'network', `${provider}: ${(err as Error).message}`, true);
      // A timed-out or reset POST may have started a job: it is re-sent only when the connection never opened.
      const neverSent = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(
        String((err as { cause?: { code?: string } }).cause?.code),
      );
      const canRetry = e.code !== 'canceled' && (spec.method !== 'POST' || spec.idempotent || neverSent);
      if (!canRetry || attempt >= opts.retries) throw e;
      await opts.sleep(backoff(opts, attempt), spec.signal);
      continue;
    }
    let body: unknown;
    let malformed = false;
    if (text.trim()) {
      try {
        body = JSON.parse(text);
      } catch {
        malformed = true;
      }
    }
    if (res.ok) {
      if (malformed)
        throw new ProviderError(provider, 'bad_response', `${provider}: malformed JSON (HTTP ${res.status})`, true);
      return body as T;
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    const err = opts.classify?.(res.status, body, text) ?? statusError(provider, res.status, text, retryAfterMs);
    const retriableHere =
      (res.status === 429 || res.status >= 500) &&
      (spec.method !== 'POST' || spec.idempotent || mayRetryPost(res.status));
    if (!retriableHere || attempt >= opts.retries) throw err;
    if (retryAfterMs !== undefined && retryAfterMs > opts.maxRetryAfterMs) throw err;
    await opts.sleep(Math.max(retryAfterMs ?? 0, backoff(opts, attempt)), spec.signal);
  }
}

/** Reads a path like ['a', 0, 'b'] out of untyped JSON; a missing step yields undefined. */
export function pick(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

export function requireString(provider: ProviderName, value: unknown, what: string): string {
  if (typeof value !== 'string' || !value)
    throw new ProviderError(provider, 'bad_response', `${provider}: answer lacks ${what}`, true);
  return value;
}

/** A health probe: one GET, no retries; any failure (network, status, timeout, abort) reads as unreachable. */
export function probeGet(
  opts: HttpOptions,
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<boolean> {
  return requestJson({ ...opts, retries: 0 }, { method: 'GET', url, headers, signal }).then(
    () => true,
    () => false,
  );
}

/** What every provider client is built from; tests override the HTTP knobs (short timeouts, a recording sleep). */
export interface ClientOptions {
  apiKey: string;
  baseUrl: string;
  http?: Partial<Omit<HttpOptions, 'provider' | 'classify'>>;
  /** The completion callback URL to register with a job, for providers that take one per request. */
  callbackUrl?: (generationId: string) => string | undefined;
}

export function httpOptions(provider: ProviderName, o: ClientOptions, classify?: HttpOptions['classify']): HttpOptions {
  return { ...HTTP_DEFAULTS, ...o.http, provider, classify };
}

export const trimBase = (url: string) => url.replace(/\/+$/, '');
