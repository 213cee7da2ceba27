// Checks that a provider's completion callback is genuine before it may wake anything (docs/providers.md,
// "Completion callbacks"). Pollo: a per-request webhookUrl carrying our own per-generation token, plus Pollo's
// HMAC signature when its webhook secret is set. Leonardo: one URL per API key, authenticated by the bearer key we
// chose when the key was made. Runway and GoEnhance document no callback and are only polled.
import crypto from 'node:crypto';
import { safeEqual } from '../crypto/safe-equal.ts';

/** Callback paths, under PUBLIC_BASE_URL. */
export const CALLBACK_PATHS = { pollo: '/callbacks/pollo', leonardo: '/callbacks/leonardo' } as const;

const GENERATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The key per-generation tokens are made with, derived from the app secret (never the secret itself). */
export function callbackTokenKey(appSecret: string): Buffer {
  return crypto.createHmac('sha256', appSecret).update('vidgo provider callback tokens v1').digest();
}

const mac = (key: Buffer, generationId: string) =>
  crypto.createHmac('sha256', key).update(`generation:${generationId}`).digest('base64url');

/** "<generationId>.<mac>": unguessable without the key, checkable without storing anything. */
export function callbackToken(key: Buffer, generationId: string): string {
  return `${generationId}.${mac(key, generationId)}`;
}

/** The generation a token was made for, or null for a forged or malformed one. */
export function generationOfToken(key: Buffer, token: string): string | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const id = token.slice(0, dot);
  if (!GENERATION_ID.test(id)) return null;
  return safeEqual(token.slice(dot + 1), mac(key, id)) ? id : null;
}

/**
 * Pollo's signature (docs.pollo.ai/webhooks): X-Webhook-Signature is base64 HMAC-SHA256 over
 * "<X-Webhook-Id>.<X-Webhook-Timestamp>.<raw body>". Whether the secret is used as text or base64-decoded first is
 * not settled by the docs we could read, so both readings of the one secret are accepted.
 */
export function polloSignatureValid(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  raw: Buffer,
): boolean {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = one('x-webhook-id');
  const ts = one('x-webhook-timestamp');
  const sig = one('x-webhook-signature');
  if (!id || !ts || !sig) return false;
  const signed = Buffer.concat([Buffer.from(`${id}.${ts}.`), raw]);
  const keys = [Buffer.from(secret)];
  const decoded = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  if (decoded.length >= 16) keys.push(decoded);
  // The header may hold several space-separated signatures (key rotation), each possibly prefixed "v1,".
  const given = sig
    .split(' ')
    .map((s) => s.replace(/^v1[,=]/, ''))
    .filter(Boolean);
  return keys.some((k) => {
    const expected = crypto.createHmac('sha256', k).update(signed).digest('base64');
    return given.some((g) => safeEqual(g, expected));
  });
}

/** Leonardo sends `authorization: Bearer <webhook callback API key>` (docs.leonardo.ai, webhook callback guide). */
export function leonardoBearerValid(key: string, authorization: string | undefined): boolean {
  if (!authorization) return false;
  const m = /^Bearer (.+)$/.exec(authorization.trim());
  return Boolean(m && safeEqual(m[1]!, key));
}
