// Signed /media URLs for the disk store: `exp` (Unix seconds) and an HMAC-SHA256 `sig` over key and expiry, so a
// provider can fetch a private object (a clean master) for a while without the object ever being public.
import crypto from 'node:crypto';
import { safeEqual } from '../crypto/safe-equal.ts';

export interface MediaSigner {
  sign(key: string, exp: number): string;
  /** True when `sig` is the signature of key+exp and exp has not passed. */
  verify(key: string, exp: string | undefined, sig: string | undefined, nowSeconds?: number): boolean;
}

/** `secret` is the media secret from the wiring; a derived key keeps the JWT secret's own uses apart. */
export function createMediaSigner(secret: string | Buffer): MediaSigner {
  const key = crypto.createHmac('sha256', secret).update('vidgo media url v1').digest();
  const mac = (k: string, exp: number) => crypto.createHmac('sha256', key).update(`${k}\n${exp}`).digest();
  return {
    sign: (k, exp) => mac(k, exp).toString('base64url'),
    verify(k, exp, sig, now = Math.floor(Date.now() / 1000)) {
      if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
      const at = Number(exp);
      if (at < now) return false;
      return safeEqual(Buffer.from(sig, 'base64url'), mac(k, at));
    },
  };
}
