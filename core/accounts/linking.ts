// /link: join two chat accounts (say LINE and Telegram) into one, so they share one balance and one gallery.
//
// Merge rules (carried out in one database transaction by AccountsRepo.redeemLinkCode):
// 1. `/link` on platform A issues a one-time code (8 characters, no look-alike letters), valid 10 minutes.
//    `/link <code>` on platform B redeems it. A code works once; expired, used, unknown codes change nothing.
// 2. The OLDER user (created first) survives; on a tie, the code's issuer. The other user is "merged".
// 3. Refused, nothing changes: same user on both sides ("self"), either user banned ("banned"), or the merged
//    user has a generation still running ("busy": its points are held; try again when it is done).
// 4. Points: the ledger is append-only, so points move as entries, never as edits. For every bucket where the
//    merged user holds a positive balance, LEDGER's own SQL functions are used in the merge transaction: a
//    reserve + commit on the merged user (key link:<merged>:<bucket>:out) and a credit on the survivor
//    (reason link_merge_in, key link:<merged>:<bucket>:in). Buckets keep their kind (monthly stays monthly).
// 5. Everything else moves to the survivor: chat identities, generations (gallery), subscriptions, orders,
//    invoices, moderation events. users.merged_into points at the survivor; the survivor becomes admin if
//    either was; the survivor keeps its language and auto-pay choices, and takes the merged email if it had none.
import crypto from 'node:crypto';
import type { Account } from '../api.ts';
import type { Clock } from '../ports.ts';
import type { Reply } from '../model.ts';
import type { AccountsRepo } from './repo.ts';

export const LINK_CODE_TTL_MS = 10 * 60_000;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newLinkCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += ALPHABET[crypto.randomInt(ALPHABET.length)];
  return s;
}

export class AccountLinking {
  constructor(
    private readonly repo: AccountsRepo,
    private readonly clock: Clock,
    private readonly codes: () => string = newLinkCode,
  ) {}

  async issue(account: Account): Promise<Reply[]> {
    const code = this.codes();
    await this.repo.createLinkCode(account.userId, code, new Date(this.clock.now().getTime() + LINK_CODE_TTL_MS));
    return [
      { kind: 'text', message: { key: 'bot.link.code', params: { code, minutes: LINK_CODE_TTL_MS / 60_000 } } },
    ];
  }

  async redeem(account: Account, raw: string): Promise<Reply[]> {
    const code = raw.trim().toUpperCase();
    const out = await this.repo.redeemLinkCode(code, account.userId, this.clock.now());
    if (out.status === 'linked') return [{ kind: 'text', message: { key: 'bot.link.done' } }];
    return [{ kind: 'text', message: { key: `bot.link.${out.status}` } }];
  }
}
