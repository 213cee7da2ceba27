// /link: join two chat accounts (say LINE and Telegram) into one, so they share one balance and one gallery.
//
// 1. `/link` on platform A issues a one-time code (8 characters, no look-alike letters), valid 10 minutes, shown
//    only in A's one-to-one chat (core/privacy.ts). The code remembers the chat identity that asked for it.
// 2. `/link <code>` on platform B uses it: nothing merges yet. The issuer's chat on A is asked to confirm, naming the
//    other account ("the Telegram account “Bob” wants to join…") with yes/no buttons (`/link confirm|refuse <code>`);
//    B is told that A was asked. The answer is due within 10 minutes of the use. Only the issuing account may answer.
//    A code works for one claimer: another user's `/link <code>` is "used"; the same one asking again is asked again.
// 3. On yes, merge rules (one database transaction, AccountsRepo.confirmLinkCode):
//    - The OLDER user (created first) survives; on a tie, the code's issuer. The other user is "merged".
//    - Refused, nothing changes: same user on both sides ("self"), either user banned ("banned"), or the merged user
//      has a generation still running ("busy": its points are held; try again when it is done).
//    - Points: the ledger is append-only, so points move as entries, never as edits. For every bucket where the
//      merged user holds a positive balance, the ledger's own SQL functions are used in the merge transaction: a
//      reserve + commit on the merged user (key link:<merged>:<bucket>:out) and a credit on the survivor
//      (reason link_merge_in, key link:<merged>:<bucket>:in). Buckets keep their kind (monthly stays monthly).
//    - Everything else moves to the survivor: chat identities, generations (gallery), subscriptions, orders,
//      invoices, moderation events. users.merged_into points at the survivor (users merged into the merged one
//      before are re-pointed: one hop), so web sessions and sign-in links issued to the merged user act for the
//      survivor; the survivor becomes admin if either was; it keeps its language and auto-pay choices, and takes
//      the merged email if it had none. Both chats are told.
// 4. On no, the code is spent and the user of the code is told.
import crypto from 'node:crypto';
import type { Account } from '../api.ts';
import type { Clock, Notifier } from '../ports.ts';
import { PLATFORM_NAMES, type Msg, type Reply, type ReplyTarget } from '../model.ts';
import type { AccountsRepo } from './repo.ts';

export const LINK_CODE_TTL_MS = 10 * 60_000;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newLinkCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[crypto.randomInt(ALPHABET.length)];
  return s;
}

/** How linking reaches a chat identity other than the one writing (AccountService implements it). */
export interface IdentityTargets {
  identityTarget(identityId: string): Promise<{ target: ReplyTarget; displayName: string | null } | null>;
  byUserId(userId: string): Promise<Pick<Account, 'target'> | null>;
}

type Text = Extract<Reply, { kind: 'text' }>;
const say = (key: string, params?: Msg['params']): Text => ({
  kind: 'text',
  message: { key, ...(params ? { params } : {}) },
  personal: true,
});
const minutes = LINK_CODE_TTL_MS / 60_000;

export class AccountLinking {
  constructor(
    private readonly repo: AccountsRepo,
    private readonly clock: Clock,
    private readonly chats: IdentityTargets,
    private readonly notifier: Notifier,
    private readonly codes: () => string = newLinkCode,
  ) {}

  async issue(account: Account): Promise<Reply[]> {
    const code = this.codes();
    await this.repo.createLinkCode(
      account.userId,
      code,
      new Date(this.clock.now().getTime() + LINK_CODE_TTL_MS),
      account.identityId,
    );
    return [say('bot.link.code', { code, minutes })];
  }

  /** `/link <code>`: records the use and asks the code's issuer. */
  async redeem(account: Account, raw: string): Promise<Reply[]> {
    const code = raw.trim().toUpperCase();
    const now = this.clock.now();
    const out = await this.repo.claimLinkCode(
      code,
      { userId: account.userId, identityId: account.identityId },
      now,
      new Date(now.getTime() + LINK_CODE_TTL_MS),
    );
    if (out.status !== 'claimed') return [say(`bot.link.${out.status}`)];
    const issuer = await this.issuerChat(out.issuerUserId, out.issuerIdentityId);
    if (!issuer) return [say('bot.link.unknown')];
    const me = await this.chats.identityTarget(account.identityId);
    const question: Text = {
      ...say('bot.link.confirm', {
        platform: PLATFORM_NAMES[account.target.platform],
        name: me?.displayName?.trim() || '—',
      }),
      choices: [
        { label: { key: 'bot.link.confirm_yes' }, command: `/link confirm ${code}` },
        { label: { key: 'bot.link.confirm_no' }, command: `/link refuse ${code}` },
      ],
    };
    await this.notifier.push(issuer, [question], { idempotencyKey: `link:${code}:ask:${account.userId}` });
    return [say('bot.link.asked', { platform: PLATFORM_NAMES[issuer.platform], minutes })];
  }

  /** The issuer's `/link confirm <code>` or `/link refuse <code>`. */
  async answer(account: Account, raw: string, answer: 'confirm' | 'refuse'): Promise<Reply[]> {
    const code = raw.trim().toUpperCase();
    const now = this.clock.now();
    const out =
      answer === 'confirm'
        ? await this.repo.confirmLinkCode(code, account.userId, now)
        : await this.repo.refuseLinkCode(code, account.userId, now);
    if (out.status !== 'linked' && out.status !== 'refused') return [say(`bot.link.${out.status}`)];
    const other = out.claimedIdentityId ? await this.chats.identityTarget(out.claimedIdentityId) : null;
    const tell =
      out.status === 'linked'
        ? say('bot.link.done')
        : say('bot.link.refused_other', { platform: PLATFORM_NAMES[account.target.platform] });
    if (other) await this.notifier.push(other.target, [tell], { idempotencyKey: `link:${code}:${out.status}` });
    return [say(out.status === 'linked' ? 'bot.link.done' : 'bot.link.refused')];
  }

  private async issuerChat(userId: string, identityId: string | null): Promise<ReplyTarget | null> {
    const byIdentity = identityId ? await this.chats.identityTarget(identityId) : null;
    return byIdentity?.target ?? (await this.chats.byUserId(userId))?.target ?? null;
  }
}
