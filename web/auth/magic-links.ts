// MagicLinks (core/api.ts): a chat reply carries /auth/link?token=…; opening it claims the token's jti once in
// used_tokens and starts a web session.
import { QueryTypes, type Sequelize } from 'sequelize';
import type { MagicLinks } from '../../core/api.ts';
import { LINK_TTL_S, type TokenSigner } from './tokens.ts';

/** Only our own app paths may be a link's target (no open redirect). */
export function safeAppPath(path: string | undefined): string {
  return path && /^\/[A-Za-z0-9/_-]*(\?[A-Za-z0-9=&_%-]*)?$/.test(path) && !path.startsWith('//') ? path : '/';
}

export class JwtMagicLinks implements MagicLinks {
  constructor(private readonly signer: TokenSigner, private readonly db: Sequelize, private readonly baseUrl: string) {}

  async linkFor(userId: string, path: string): Promise<string> {
    const token = await this.signer.sign(userId, 'link', LINK_TTL_S, { path: safeAppPath(path) });
    return `${this.baseUrl}/auth/link?token=${encodeURIComponent(token)}`;
  }

  galleryUrl(generationId: string): string {
    return `${this.baseUrl}/gallery/${encodeURIComponent(generationId)}`;
  }

  /** Verifies and claims a link token; null when invalid, expired or already used. */
  async redeem(token: string): Promise<{ userId: string; path: string } | null> {
    const claims = await this.signer.verify(token, 'link');
    if (!claims) return null;
    const rows = await this.db.query(
      `INSERT INTO used_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT (jti) DO NOTHING RETURNING jti`,
      { bind: [claims.jti, claims.exp], type: QueryTypes.SELECT });
    if (rows.length !== 1) return null;
    // Housekeeping: claimed tokens past their expiry can no longer be replayed anyway.
    await this.db.query('DELETE FROM used_tokens WHERE expires_at < now() - interval \'1 day\'');
    return { userId: claims.sub, path: safeAppPath(claims.path) };
  }
}
