// What the account use cases need from storage (implemented in infra/db/accounts-repo.ts).
import type { TierSlug } from '../api.ts';
import type { Locale, Platform } from '../model.ts';

export interface IdentityRow {
  identityId: string;
  userId: string;
  platform: Platform;
  platformUserId: string;
  /** The user's one-to-one chat with the bot, when they wrote from it (null: only seen in groups so far). */
  chatId: string | null;
  displayName: string | null;
  /** The platform's language, already mapped to one of ours (null when unknown or unsupported). */
  platformLocale: Locale | null;
}

export interface UserRow {
  userId: string;
  displayName: string | null;
  /** Set only when the user picked a language with /lang. */
  chosenLocale: Locale | null;
  isAdmin: boolean;
  autoPay: boolean;
  tier: TierSlug;
  banned: boolean;
  createdAt: Date;
}

export interface IdentityInput {
  platform: Platform;
  platformUserId: string;
  /** Set only when the event came from the one-to-one chat; a group's id is never stored. */
  chatId?: string;
  displayName?: string;
  platformLocale?: Locale;
}

/** Someone used a code: the issuer is asked to confirm. */
export type ClaimOutcome =
  | { status: 'claimed'; issuerUserId: string; issuerIdentityId: string | null }
  | { status: 'unknown' | 'expired' | 'used' | 'self' | 'banned' };

/** The issuer's answer. `claimedIdentityId`: the identity that used the code, to be told the outcome. */
export type LinkOutcome =
  | {
      status: 'linked';
      survivorId: string;
      mergedId: string;
      moved: Record<string, number>;
      claimedIdentityId: string | null;
    }
  | { status: 'refused'; claimedIdentityId: string | null }
  | { status: 'unknown' | 'expired' | 'used' | 'self' | 'busy' | 'banned' | 'not_yours' | 'not_pending' };

export interface AccountsRepo {
  /** Finds or creates the user behind an identity and refreshes its one-to-one chat id (when given), name and language. */
  upsertIdentity(input: IdentityInput): Promise<IdentityRow>;
  /** The user (following a /link merge to the surviving user). */
  user(userId: string): Promise<UserRow | null>;
  identities(userId: string): Promise<IdentityRow[]>;
  setLocale(userId: string, locale: Locale): Promise<void>;
  setAutoPay(userId: string, on: boolean): Promise<void>;
  /** A user id from an admin's reference: a user uuid, or "platform:platformUserId". */
  resolveUserRef(ref: string): Promise<string | null>;
  /** Identities whose effective language is `locale` (broadcast). */
  identitiesByLocale(locale: Locale, fallback: Locale): Promise<IdentityRow[]>;
  identity(identityId: string): Promise<IdentityRow | null>;
  createLinkCode(userId: string, code: string, expiresAt: Date, issuerIdentityId?: string): Promise<void>;
  /** Records who used a code (rules in core/accounts/linking.ts); the confirmation is due by `confirmBy`. */
  claimLinkCode(
    code: string,
    claimer: { userId: string; identityId: string },
    now: Date,
    confirmBy: Date,
  ): Promise<ClaimOutcome>;
  /** The issuer's yes: joins the two accounts in one transaction. */
  confirmLinkCode(code: string, issuerUserId: string, now: Date): Promise<LinkOutcome>;
  /** The issuer's no: the code is spent, nothing merges. */
  refuseLinkCode(code: string, issuerUserId: string, now: Date): Promise<LinkOutcome>;
}
