// MagicLinks (core/api.ts): a chat reply carries /auth/link?token=…. Opening it only shows a page (link-preview
// fetchers and scanners GET every URL in a message); the user's click on that page posts the token back, which
// claims its jti once and starts a web session for the surviving user behind it.
import type { MagicLinks } from '../../core/api.ts';
import type { WebSessions } from './web-sessions.ts';
import { LINK_TTL_S, type TokenSigner } from './tokens.ts';

/** Only our own app paths may be a link's target (no open redirect). */
export function safeAppPath(path: string | undefined): string {
  return path && /^\/[A-Za-z0-9/_-]*(\?[A-Za-z0-9=&_%-]*)?$/.test(path) && !path.startsWith('//') ? path : '/';
}

export class JwtMagicLinks implements MagicLinks {
  constructor(
    private readonly signer: TokenSigner,
    private readonly sessions: WebSessions,
    private readonly baseUrl: string,
  ) {}

  async linkFor(userId: string, path: string): Promise<string> {
    const token = await this.signer.sign(userId, 'link', LINK_TTL_S, { path: safeAppPath(path) });
    return `${this.baseUrl}/auth/link?token=${encodeURIComponent(token)}`;
  }

  galleryUrl(generationId: string): string {
    return `${this.baseUrl}/gallery/${encodeURIComponent(generationId)}`;
  }

  /** Who a link would sign in, without using it up; null when it is invalid, expired, used, or its user is banned. */
  async peek(token: string): Promise<{ userId: string; path: string } | null> {
    const claims = await this.signer.verify(token, 'link');
    const userId = claims ? await this.sessions.resolve(claims) : null;
    return claims && userId ? { userId, path: safeAppPath(claims.path) } : null;
  }

  /** Verifies and claims a link token once; null when invalid, expired, already used, or its user is banned. */
  async redeem(token: string): Promise<{ userId: string; path: string } | null> {
    const claims = await this.signer.verify(token, 'link');
    const userId = claims ? await this.sessions.resolve(claims) : null;
    if (!claims || !userId || !(await this.sessions.claim(claims.jti, claims.exp))) return null;
    return { userId, path: safeAppPath(claims.path) };
  }
}
