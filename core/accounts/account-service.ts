// AccountService: who is behind a chat identity (find-or-create, language, admin, tier, ban).
import type { Account, AccountService } from '../api.ts';
import type { ChatEvent, Locale, ReplyTarget } from '../model.ts';
import { effectiveLocale, mapPlatformLocale } from './locale.ts';
import type { AccountsRepo, IdentityRow, UserRow } from './repo.ts';

export interface AccountOptions {
  /** "platform:platformUserId" entries from ADMIN_IDS. */
  adminIds: string[];
  defaultLocale: Locale;
}

export class SqlAccountService implements AccountService {
  private readonly admins: Set<string>;
  constructor(readonly repo: AccountsRepo, private readonly opts: AccountOptions) {
    this.admins = new Set(opts.adminIds);
  }

  async identify(event: ChatEvent): Promise<Account> {
    const identity = await this.repo.upsertIdentity({
      platform: event.platform,
      platformUserId: event.platformUserId,
      chatId: event.chatId,
      displayName: event.displayName,
      platformLocale: mapPlatformLocale(event.platformLocale),
    });
    const user = await this.repo.user(identity.userId);
    if (!user) throw new Error(`identity ${identity.identityId} has no user`);
    return this.toAccount(user, identity, event.replyHandle);
  }

  async byUserId(userId: string): Promise<Account | null> {
    const user = await this.repo.user(userId);
    if (!user) return null;
    const ids = await this.repo.identities(user.userId);
    // The most recently used identity is where a notice reaches the user.
    const primary = ids[0];
    if (!primary) return null;
    const admin = ids.some((i) => this.isAdminId(i));
    return { ...this.toAccount(user, primary), isAdmin: user.isAdmin || admin };
  }

  async targets(userId: string): Promise<ReplyTarget[]> {
    const user = await this.repo.user(userId);
    if (!user) return [];
    const ids = await this.repo.identities(user.userId);
    return ids.filter((i) => i.chatId).map((i) => this.target(user, i));
  }

  isAdminId(i: Pick<IdentityRow, 'platform' | 'platformUserId'>): boolean {
    return this.admins.has(`${i.platform}:${i.platformUserId}`);
  }

  private target(user: UserRow, i: IdentityRow, handle?: Record<string, string>): ReplyTarget {
    return {
      platform: i.platform,
      chatId: i.chatId ?? i.platformUserId,
      platformUserId: i.platformUserId,
      locale: effectiveLocale(user.chosenLocale, i.platformLocale, this.opts.defaultLocale),
      ...(handle ? { handle } : {}),
    };
  }

  private toAccount(user: UserRow, i: IdentityRow, handle?: Record<string, string>): Account {
    const target = this.target(user, i, handle);
    return {
      userId: user.userId,
      identityId: i.identityId,
      locale: target.locale,
      isAdmin: user.isAdmin || this.isAdminId(i),
      autoPay: user.autoPay,
      tier: user.tier,
      banned: user.banned,
      target,
    };
  }
}
