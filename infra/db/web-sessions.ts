// Whether a signed web token still stands for someone, and for whom. A token names the user it was issued to; after
// /link that user may have been merged into another, and the token then acts for the surviving user. A token ends
// when its id was claimed (a used sign-in link) or revoked (signed out), or when the user is banned or was banned
// at any time since it was issued (a lifted ban does not bring old sessions back: sign in again).
import { QueryTypes, type Sequelize } from 'sequelize';
import type { WebSessions } from '../../web/auth/web-sessions.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenRef {
  sub: string;
  jti: string;
  issuedMs: number;
}

export class SqlWebSessions implements WebSessions {
  constructor(private readonly db: Sequelize) {}

  /** The surviving user the token acts for, or null when it has ended (claimed, signed out, banned since, unknown user). */
  async resolve(t: TokenRef): Promise<string | null> {
    if (!UUID.test(t.sub)) return null;
    const [r] = await this.db.query<{ id: string; claimed: boolean; banned: boolean }>(
      `SELECT u.id,
              EXISTS (SELECT 1 FROM used_tokens WHERE jti = $2) AS claimed,
              EXISTS (SELECT 1 FROM bans b WHERE b.user_id IN (u.id, $1::uuid)
                        AND (b.lifted_at IS NULL OR b.lifted_at > to_timestamp($3 / 1000.0))) AS banned
         FROM users u WHERE u.id = COALESCE((SELECT merged_into FROM users WHERE id = $1::uuid), $1::uuid)`,
      { bind: [t.sub, t.jti, t.issuedMs], type: QueryTypes.SELECT },
    );
    if (!r || r.banned || r.claimed) return null;
    return r.id;
  }

  /** Claims a token id once (a sign-in link) or ends it (a session at sign-out); true when this call did. */
  async claim(jti: string, exp: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO used_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT (jti) DO NOTHING RETURNING jti`,
      { bind: [jti, exp], type: QueryTypes.SELECT },
    );
    // Housekeeping: claimed ids past their expiry can no longer be replayed anyway.
    if (rows.length === 1) await this.db.query(`DELETE FROM used_tokens WHERE expires_at < now() - interval '1 day'`);
    return rows.length === 1;
  }
}
