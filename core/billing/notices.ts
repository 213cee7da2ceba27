// The chat messages billing sends (keys under web.notice in locales/<lang>/web.json), each pushed once per chat
// under a key derived from what it is about, so a repeated callback never tells the user twice.
import type { AccountService, MagicLinks } from '../api.ts';
import type { Msg, Reply } from '../model.ts';
import type { Notifier } from '../ports.ts';
import type { Grants, OrderView, PaymentRecord, Revocation } from './ports.ts';

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');
/** "NT$299", "US$9.99": the same in every language the bot speaks. */
export const money = (minor: number, currency: 'TWD' | 'USD') =>
  currency === 'TWD' ? `NT$${minor}` : `US$${(minor / 100).toFixed(2)}`;

export class Notices {
  constructor(
    private readonly notifier: Notifier,
    private readonly accounts: Pick<AccountService, 'targets'>,
    private readonly links?: MagicLinks,
    private readonly log?: { warn(o: object, m: string): void },
  ) {}

  paid(o: OrderView): Promise<void> {
    const params = { plan: o.itemName, until: day(o.subscriptionEnd), invoice: o.invoiceNumber ?? '' };
    const message: Msg =
      o.kind === 'plan' && o.renewal
        ? { key: 'web.notice.plan_renewed', params }
        : o.kind === 'plan' && o.autoRenew
          ? { key: 'web.notice.plan_active_renews', params: { ...params, amount: money(o.amountMinor, o.currency) } }
          : o.kind === 'plan'
            ? { key: 'web.notice.plan_active', params }
            : { key: 'web.notice.pack_added', params: { points: o.packPoints ?? 0, invoice: o.invoiceNumber ?? '' } };
    return this.push(o.userId, [{ kind: 'text', message }], `order-paid:${o.orderNumber}`, 'purchase notice');
  }

  mismatch(o: OrderView, p: PaymentRecord): Promise<void> {
    const message: Msg = {
      key: 'web.notice.payment_mismatch',
      params: { item: o.itemName, paid: money(p.amountMinor, p.currency), price: money(o.amountMinor, o.currency) },
    };
    return this.push(
      o.userId,
      [{ kind: 'text', message }],
      `order-mismatch:${o.orderNumber}:${p.externalId}`,
      'mismatch notice',
    );
  }

  staleCharge(o: OrderView, p: PaymentRecord): Promise<void> {
    const message: Msg = {
      key: 'web.notice.stale_charge',
      params: { plan: o.itemName, amount: money(p.amountMinor, p.currency) },
    };
    return this.push(o.userId, [{ kind: 'text', message }], `order-stale:${o.orderNumber}`, 'stale charge notice');
  }

  revoked(r: Revocation, taken: Grants, shortfall: number): Promise<void> {
    const item = { item: r.order.itemName, invoice: r.order.invoiceNumber ?? '' };
    const replies: Reply[] = [
      {
        kind: 'text',
        message: { key: r.kind === 'refund' ? 'web.notice.refunded' : 'web.notice.charged_back', params: item },
      },
    ];
    if (r.order.kind === 'plan' && r.full) {
      replies.push(
        r.planEnded
          ? { kind: 'text', message: { key: 'web.notice.revoked_plan_ended' } }
          : {
              kind: 'text',
              message: { key: 'web.notice.revoked_plan_until', params: { date: day(r.subscriptionEnd) } },
            },
      );
    }
    const n = Object.values(taken).reduce((a, b) => a + (b ?? 0), 0);
    if (n || shortfall) {
      replies.push({
        kind: 'text',
        message: shortfall
          ? { key: 'web.notice.revoked_points_short', params: { taken: n, shortfall } }
          : { key: 'web.notice.revoked_points', params: { taken: n } },
      });
    }
    return this.push(r.order.userId, replies, `order-revoked:${r.id}`, 'refund notice');
  }

  async reminder(s: { subscriptionId: string; userId: string; planName: string; endDate: Date }): Promise<void> {
    const message: Msg = { key: 'web.notice.renewal_reminder', params: { plan: s.planName, date: day(s.endDate) } };
    const url = this.links ? await this.links.linkFor(s.userId, '/plans') : null;
    const reply: Reply = url
      ? { kind: 'link', message, url, label: { key: 'web.notice.renew_button' } }
      : { kind: 'text', message };
    return this.push(s.userId, [reply], `renewal:${s.subscriptionId}:${day(s.endDate)}`, 'renewal reminder');
  }

  /** To every chat of the user; a failed push is logged, never fails the payment it is about. */
  private async push(userId: string, replies: Reply[], key: string, what: string): Promise<void> {
    try {
      for (const target of await this.accounts.targets(userId)) {
        await this.notifier.push(target, replies, { idempotencyKey: `${key}:${target.platform}:${target.chatId}` });
      }
    } catch (err) {
      this.log?.warn({ err, key }, `${what} not delivered`);
    }
  }
}
