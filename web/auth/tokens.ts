// Signed tokens with jose (HS256): single-use magic links from chat (15 min) and the web session (7 days).
import crypto from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'vidgo';
export const LINK_TTL_S = 15 * 60;
export const SESSION_TTL_S = 7 * 24 * 3600;

/** `issuedMs`: when it was signed, to the millisecond (iat is whole seconds; a ban lifted a moment later must still end it). */
export interface TokenClaims {
  sub: string;
  jti: string;
  exp: number;
  iat: number;
  issuedMs: number;
  path?: string;
}

export class TokenSigner {
  private readonly key: Uint8Array;
  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(userId: string, aud: 'link' | 'session', ttlS: number, extra: Record<string, string> = {}): Promise<string> {
    return new SignJWT({ ...extra, ims: Date.now() })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(aud)
      .setSubject(userId)
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttlS}s`)
      .sign(this.key);
  }

  /** The verified claims, or null for a bad, expired or wrong-audience token. */
  async verify(token: string, aud: 'link' | 'session'): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: aud, algorithms: ['HS256'] });
      if (!payload.sub || !payload.jti || !payload.exp || !payload.iat) return null;
      const issuedMs = typeof payload.ims === 'number' ? payload.ims : payload.iat * 1000;
      return {
        sub: payload.sub,
        jti: payload.jti,
        exp: payload.exp,
        iat: payload.iat,
        issuedMs,
        path: typeof payload.path === 'string' ? payload.path : undefined,
      };
    } catch {
      return null;
    }
  }
}
