// SQL behind core/accounts: identities, users (tier from the active subscription, ban state) and /link merges.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type {
  AccountsRepo,
  ClaimOutcome,
  IdentityInput,
  IdentityRow,
  LinkOutcome,
  UserRow,
} from '../../core/accounts/repo.ts';
import type { Locale, Platform, PointBucket } from '../../core/model.ts';
import type { TierSlug } from '../../core/api.ts';

type Row = Record<string, unknown>;
const IDENTITY_COLS = 'id, user_id, platform, platform_user_id, chat_id, display_name, locale';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OPEN_GENERATION = `status NOT IN ('succeeded','failed','canceled','refused')`;

function toIdentity(r: Row): IdentityRow {
  return {
    identityId: String(r.id),
    userId: String(r.user_id),
    platform: r.platform as Platform,
    platformUserId: String(r.platform_user_id),
    chatId: (r.chat_id as string) ?? null,
    displayName: (r.display_name as string) ?? null,
    platformLocale: (r.locale as Locale) ?? null,
  };
}

export class SqlAccountsRepo implements AccountsRepo {
  constructor(private readonly db: Sequelize) {}

  private q<T = Row>(sql: string, bind: unknown[], transaction?: Transaction): Promise<T[]> {
    return this.db.query(sql, { bind, type: QueryTypes.SELECT, transaction }) as Promise<T[]>;
  }

  async upsertIdentity(i: IdentityInput): Promise<IdentityRow> {
    const refresh = `UPDATE chat_identities SET chat_id = COALESCE($3, chat_id), display_name = COALESCE($4, display_name),
        locale = COALESCE($5, locale), updated_at = now()
      WHERE platform = $1 AND platform_user_id = $2 RETURNING ${IDENTITY_COLS}`;
    const bind = [i.platform, i.platformUserId, i.chatId ?? null, i.displayName ?? null, i.platformLocale ?? null];
    const [found] = await this.q(refresh, bind);
    if (found) return toIdentity(found);
    // New identity: user and identity in one statement; a concurrent first message loses the race harmlessly.
    const [created] = await this.q(
      `WITH u AS (INSERT INTO users (display_name, locale) VALUES ($4, COALESCE($5, 'en')) RETURNING id)
       INSERT INTO chat_identities (user_id, platform, platform_user_id, chat_id, display_name, locale)
       SELECT u.id, $1, $2, $3, $4, $5 FROM u
       ON CONFLICT (platform, platform_user_id) DO NOTHING RETURNING ${IDENTITY_COLS}`,
      bind,
    );
    if (created) return toIdentity(created);
    const [again] = await this.q(refresh, bind);
    return toIdentity(again!);
  }

  async user(userId: string): Promise<UserRow | null> {
    if (!UUID.test(userId)) return null;
    const [r] = await this.q(
      `SELECT u.id, u.display_name, u.locale, u.locale_chosen, u.is_admin, u.auto_pay, u.created_at,
         COALESCE((SELECT p.slug FROM subscriptions s JOIN plans p ON p.id = s.plan_id
                    WHERE s.user_id = u.id AND s.status = 'active' AND (s.end_date IS NULL OR s.end_date > now())
                    ORDER BY p.sort_order DESC LIMIT 1), 'demo') AS tier,
         EXISTS (SELECT 1 FROM bans b WHERE b.user_id = u.id AND b.lifted_at IS NULL) AS banned
       FROM users u WHERE u.id = COALESCE((SELECT merged_into FROM users WHERE id = $1), $1)`,
      [userId],
    );
    if (!r) return null;
    return {
      userId: String(r.id),
      displayName: (r.display_name as string) ?? null,
      chosenLocale: r.locale_chosen ? (r.locale as Locale) : null,
      isAdmin: Boolean(r.is_admin),
      autoPay: Boolean(r.auto_pay),
      tier: r.tier as TierSlug,
      banned: Boolean(r.banned),
      createdAt: r.created_at as Date,
    };
  }

  async identities(userId: string): Promise<IdentityRow[]> {
    const rows = await this.q(
      `SELECT ${IDENTITY_COLS} FROM chat_identities WHERE user_id = $1 ORDER BY updated_at DESC`,
      [userId],
    );
    return rows.map(toIdentity);
  }

  async setLocale(userId: string, locale: Locale): Promise<void> {
    await this.db.query(`UPDATE users SET locale = $2, locale_chosen = true, updated_at = now() WHERE id = $1`, {
      bind: [userId, locale],
    });
  }

  async setAutoPay(userId: string, on: boolean): Promise<void> {
    await this.db.query(`UPDATE users SET auto_pay = $2, updated_at = now() WHERE id = $1`, { bind: [userId, on] });
  }

  async resolveUserRef(ref: string): Promise<string | null> {
    if (UUID.test(ref)) return (await this.user(ref))?.userId ?? null;
    const m = /^([a-z]+):(.+)$/.exec(ref);
    if (!m) return null;
    const [r] = await this.q(`SELECT user_id FROM chat_identities WHERE platform = $1 AND platform_user_id = $2`, [
      m[1],
      m[2],
    ]);
    return r ? String(r.user_id) : null;
  }

  async identitiesByLocale(locale: Locale, fallback: Locale): Promise<IdentityRow[]> {
    const rows = await this.q(
      `SELECT i.id, i.user_id, i.platform, i.platform_user_id, i.chat_id, i.display_name, i.locale
         FROM chat_identities i JOIN users u ON u.id = i.user_id
        WHERE u.merged_into IS NULL
          AND (CASE WHEN u.locale_chosen THEN u.locale ELSE COALESCE(i.locale, $2) END) = $1`,
      [locale, fallback],
    );
    return rows.map(toIdentity);
  }

  async identity(identityId: string): Promise<IdentityRow | null> {
    if (!UUID.test(identityId)) return null;
    const [r] = await this.q(`SELECT ${IDENTITY_COLS} FROM chat_identities WHERE id = $1`, [identityId]);
    return r ? toIdentity(r) : null;
  }

  async createLinkCode(userId: string, code: string, expiresAt: Date, issuerIdentityId?: string): Promise<void> {
    await this.db.query(
      `INSERT INTO link_codes (code, user_id, expires_at, issuer_identity_id) VALUES ($1, $2, $3, $4)`,
      { bind: [code, userId, expiresAt, issuerIdentityId ?? null] },
    );
  }

  claimLinkCode(
    code: string,
    claimer: { userId: string; identityId: string },
    now: Date,
    confirmBy: Date,
  ): Promise<ClaimOutcome> {
    return this.db.transaction(async (t) => {
      const c = await this.lockCode(code, t);
      if (!c) return { status: 'unknown' };
      if (c.used_at || c.refused_at) return { status: 'used' };
      if ((c.expires_at as Date).getTime() <= now.getTime()) return { status: 'expired' };
      const issuer = await this.survivorOf(String(c.user_id), t);
      const me = await this.survivorOf(claimer.userId, t);
      if (issuer === me) return { status: 'self' };
      // Already used by someone else and waiting for the issuer: not a second claimer. The same one asks again.
      if (c.claimed_by && (await this.survivorOf(String(c.claimed_by), t)) !== me) return { status: 'used' };
      const [ban] = await this.q(`SELECT 1 FROM bans WHERE user_id IN ($1, $2) AND lifted_at IS NULL`, [issuer, me], t);
      if (ban) return { status: 'banned' };
      await this.db.query(
        `UPDATE link_codes SET claimed_by = $2, claimed_identity_id = $3, claimed_at = $4, expires_at = $5 WHERE code = $1`,
        { bind: [code, me, claimer.identityId, now, confirmBy], transaction: t },
      );
      return { status: 'claimed', issuerUserId: issuer, issuerIdentityId: (c.issuer_identity_id as string) ?? null };
    });
  }

  refuseLinkCode(code: string, issuerUserId: string, now: Date): Promise<LinkOutcome> {
    return this.db.transaction(async (t) => {
      const c = await this.answerable(code, issuerUserId, now, t);
      if ('status' in c) return c;
      await this.db.query(`UPDATE link_codes SET refused_at = $2 WHERE code = $1`, {
        bind: [code, now],
        transaction: t,
      });
      return { status: 'refused', claimedIdentityId: c.claimedIdentityId };
    });
  }

  confirmLinkCode(code: string, issuerUserId: string, now: Date): Promise<LinkOutcome> {
    return this.db.transaction(async (t) => {
      const c = await this.answerable(code, issuerUserId, now, t);
      if ('status' in c) return c;
      const { issuer, claimer } = c;
      const users = await this.q(
        `SELECT id, created_at, is_admin, email FROM users WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`,
        [issuer, claimer],
        t,
      );
      const [a, b] = [users.find((u) => u.id === issuer)!, users.find((u) => u.id === claimer)!];
      const survivor = (b.created_at as Date) < (a.created_at as Date) ? b : a;
      const merged = survivor === a ? b : a;
      const [sid, mid] = [String(survivor.id), String(merged.id)];
      const [ban] = await this.q(`SELECT 1 FROM bans WHERE user_id IN ($1, $2) AND lifted_at IS NULL`, [sid, mid], t);
      if (ban) return { status: 'banned' };
      const [busy] = await this.q(
        `SELECT 1 FROM generations WHERE user_id = $1 AND ${OPEN_GENERATION} LIMIT 1`,
        [mid],
        t,
      );
      if (busy) return { status: 'busy' };

      const moved = await this.movePoints(mid, sid, now, t);
      for (const table of [
        'chat_identities',
        'generations',
        'subscriptions',
        'orders',
        'invoices',
        'moderation_events',
      ]) {
        await this.db.query(`UPDATE ${table} SET user_id = $2 WHERE user_id = $1`, {
          bind: [mid, sid],
          transaction: t,
        });
      }
      // Users merged into the merged one earlier now point at the survivor too: always one hop (web tokens, user()).
      await this.db.query(`UPDATE users SET merged_into = $2, updated_at = now() WHERE merged_into = $1`, {
        bind: [mid, sid],
        transaction: t,
      });
      await this.db.query(`UPDATE users SET merged_into = $2, email = NULL, updated_at = now() WHERE id = $1`, {
        bind: [mid, sid],
        transaction: t,
      });
      await this.db.query(
        `UPDATE users SET is_admin = is_admin OR $2, email = COALESCE(email, $3), updated_at = now() WHERE id = $1`,
        { bind: [sid, Boolean(merged.is_admin), merged.email ?? null], transaction: t },
      );
      await this.db.query(`UPDATE link_codes SET used_at = $2 WHERE code = $1`, { bind: [code, now], transaction: t });
      return { status: 'linked', survivorId: sid, mergedId: mid, moved, claimedIdentityId: c.claimedIdentityId };
    });
  }

  private async lockCode(code: string, t: Transaction): Promise<Row | undefined> {
    const [c] = await this.q(
      `SELECT user_id, expires_at, used_at, refused_at, claimed_by, claimed_identity_id, issuer_identity_id FROM link_codes WHERE code = $1 FOR UPDATE`,
      [code],
      t,
    );
    return c;
  }

  /** A code used by someone and waiting for this issuer's answer, locked; else why not. */
  private async answerable(
    code: string,
    issuerUserId: string,
    now: Date,
    t: Transaction,
  ): Promise<
    | { issuer: string; claimer: string; claimedIdentityId: string | null }
    | { status: 'unknown' | 'used' | 'expired' | 'not_pending' | 'not_yours' | 'self' }
  > {
    const c = await this.lockCode(code, t);
    if (!c) return { status: 'unknown' };
    if (c.used_at || c.refused_at || !c.claimed_by) return { status: 'not_pending' };
    if ((c.expires_at as Date).getTime() <= now.getTime()) return { status: 'expired' };
    const issuer = await this.survivorOf(String(c.user_id), t);
    if (issuer !== (await this.survivorOf(issuerUserId, t))) return { status: 'not_yours' };
    const claimer = await this.survivorOf(String(c.claimed_by), t);
    if (issuer === claimer) return { status: 'self' };
    return { issuer, claimer, claimedIdentityId: (c.claimed_identity_id as string) ?? null };
  }

  /**
   * Moves the merged user's points through the ledger's own SQL functions (so point_balances stays equal to the
   * ledger's sums): per bucket a reserve + commit on the merged user, then a credit on the survivor.
   * ledger_reserve_batch applies items in order and spends the pool's monthly bucket before purchased, so moving monthly_pollo, then
   * monthly_goenhance, then purchased (with both monthly buckets already empty) keeps each bucket's kind.
   */
  private async movePoints(mid: string, sid: string, now: Date, t: Transaction): Promise<Record<string, number>> {
    const [b] = await this.q<Record<string, number>>(
      `SELECT monthly_pollo, monthly_goenhance, purchased FROM point_balances WHERE user_id = $1 FOR UPDATE`,
      [mid],
      t,
    );
    const moved: Record<string, number> = {};
    if (!b) return moved;
    const steps = (
      [
        ['monthly_pollo', 'pollo'],
        ['monthly_goenhance', 'goenhance'],
        ['purchased', 'pollo'],
      ] as [PointBucket, string][]
    )
      .map(([bucket, pool]) => ({ bucket, pool, amount: Number(b[bucket]), key: `link:${mid}:${bucket}` }))
      .filter((x) => x.amount > 0);
    if (!steps.length) return moved;
    // One batch, items applied in order (the ledger's ledger_reserve_batch).
    const held = await this.q<{ ord: number; outcome: string; id: string }>(
      `SELECT ord, outcome, id FROM ledger_reserve_batch($1::uuid, $2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz, $6::timestamptz)`,
      [
        mid,
        steps.map((x) => x.amount),
        steps.map((x) => x.pool),
        steps.map((x) => `${x.key}:out`),
        steps.map(() => `link:${sid}`),
        now,
      ],
      t,
    );
    for (const [i, x] of steps.entries()) {
      const r = held.find((h) => h.ord === i);
      if (!r || (r.outcome !== 'reserved' && r.outcome !== 'replayed'))
        throw new Error(`moving ${x.bucket} of ${mid}: ${r?.outcome ?? 'no row'}`);
      await this.q(`SELECT id FROM ledger_commit($1::uuid, $2::timestamptz)`, [r.id, now], t);
      await this.q(
        `SELECT ledger_credit($1::uuid, $2::text, $3::int, 'link_merge_in', $4::text, $5::text, $6::timestamptz) AS ok`,
        [sid, x.bucket, x.amount, `${x.key}:in`, `link:${mid}`, now],
        t,
      );
      moved[x.bucket] = x.amount;
    }
    return moved;
  }

  private async survivorOf(userId: string, t: Transaction): Promise<string> {
    const [r] = await this.q(`SELECT COALESCE(merged_into, id) AS id FROM users WHERE id = $1`, [userId], t);
    return String(r?.id ?? userId);
  }
}
