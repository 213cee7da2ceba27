// AccountService: who is behind a chat identity (find-or-create, language, admin, tier, ban), over the accounts
// repository port (infra/db/accounts-repo.ts implements it).
import type { Account, AccountService as AccountServicePort } from '../api.ts';
import type { ChatEvent, Locale, ReplyTarget } from '../model.ts';
import { effectiveLocale, mapPlatformLocale } from './locale.ts';
import type { AccountsRepo, IdentityRow, UserRow } from './repo.ts';

export interface AccountOptions {
  /** "platform:platformUserId" entries from ADMIN_IDS. */
  adminIds: string[];
  defaultLocale: Locale;
}

export class AccountService implements AccountServicePort {
  private readonly admins: Set<string>;
  constructor(
    readonly repo: AccountsRepo,
    private readonly opts: AccountOptions,
  ) {
    this.admins = new Set(opts.adminIds);
  }

  async identify(event: ChatEvent): Promise<Account> {
    const group = event.conversation === 'group';
    const identity = await this.repo.upsertIdentity({
      platform: event.platform,
      platformUserId: event.platformUserId,
      // Only a one-to-one chat is remembered: account notices never go to the last group the user wrote in.
      ...(group ? {} : { chatId: event.chatId }),
      displayName: event.displayName,
      platformLocale: mapPlatformLocale(event.platformLocale),
    });
    const user = await this.repo.user(identity.userId);
    if (!user) throw new Error(`identity ${identity.identityId} has no user`);
    const account = this.toAccount(user, identity, event.replyHandle);
    // This event's replies (and a generation it starts) go back to the chat it came from.
    return {
      ...account,
      target: { ...account.target, chatId: event.chatId, ...(group ? { conversation: 'group' } : {}) },
    };
  }

  async byUserId(userId: string): Promise<Account | null> {
    const user = await this.repo.user(userId);
    if (!user) return null;
    const ids = await this.repo.identities(user.userId);
    // The most recently used identity is where a notice reaches the user (its one-to-one chat).
    const primary = ids[0];
    if (!primary) return null;
    const admin = ids.some((i) => this.isAdminId(i));
    return { ...this.toAccount(user, primary), isAdmin: user.isAdmin || admin };
  }

  /** The one-to-one chat of every identity of the user. */
  async targets(userId: string): Promise<ReplyTarget[]> {
    const user = await this.repo.user(userId);
    if (!user) return [];
    const ids = await this.repo.identities(user.userId);
    return ids.map((i) => this.target(user, i));
  }

  /** One identity's one-to-one chat, with its platform and name (to tell that chat what happened elsewhere). */
  async identityTarget(identityId: string): Promise<{ target: ReplyTarget; displayName: string | null } | null> {
    const i = await this.repo.identity(identityId);
    const user = i ? await this.repo.user(i.userId) : null;
    return i && user ? { target: this.target(user, i), displayName: i.displayName } : null;
  }

  isAdminId(i: Pick<IdentityRow, 'platform' | 'platformUserId'>): boolean {
    return this.admins.has(`${i.platform}:${i.platformUserId}`);
  }

  /** The identity's one-to-one chat: the one it wrote from, else its user id (LINE, Telegram; Discord opens the DM). */
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
