// /admin …: only for ADMIN_IDS or admin users. Every use, allowed or refused, goes to admin_audit_log.
// The work itself is delegated: generation admin, ledger, bans and provider overrides.
import type { Account, AccountService, GenerationAdmin, Ledger } from '../api.ts';
import { PROVIDERS, type ChatEvent, type Locale, type ProviderName, type Reply, type ReplyTarget } from '../model.ts';
import type { Clock, Notifier } from '../ports.ts';
import type { AppealDesk } from '../moderation/appeals.ts';
import { isLocale } from '../accounts/locale.ts';
import type { AuditLog, AuditOutcome, BanControl, OrderRevocation, ProviderControl, UserDirectory } from './ports.ts';

export interface AdminDeps {
  audit: AuditLog;
  accounts: AccountService;
  directory: UserDirectory;
  ledger: Pick<Ledger, 'balance' | 'credit'>;
  generation: GenerationAdmin;
  /** Absent without the moderation policy and failover health: the command then says it is unavailable. */
  bans?: BanControl;
  providers?: ProviderControl;
  /** Appeals (core/moderation/appeals.ts): /admin appeals and /admin appeal <id> approve|reject. */
  appeals?: AppealDesk;
  /** Billing: /admin revoke records a refund or chargeback made at the provider's dashboard (ECPay). */
  orders?: OrderRevocation;
  notifier: Notifier;
  clock: Clock;
  defaultLocale: Locale;
}

const text = (key: string, params?: Record<string, string | number>): Reply => ({
  kind: 'text',
  message: { key, ...(params ? { params } : {}) },
});
const invalid = (sub: string): Reply => text('bot.admin.usage', { command: sub || 'help' });

export class AdminCommands {
  constructor(private readonly d: AdminDeps) {}

  async run(account: Account, event: ChatEvent, sub: string, args: string[], rest: string): Promise<Reply[]> {
    const actor = `${event.platform}:${event.platformUserId}`;
    const audit = (outcome: AuditOutcome) =>
      this.d.audit.record({
        actor,
        actorUserId: account.userId,
        command: `admin ${sub}`.slice(0, 32).trim(),
        args,
        outcome,
      });
    if (!account.isAdmin) {
      await audit('refused');
      return [text('bot.admin.refused')];
    }
    try {
      const out = await this.exec(actor, event, sub, args, rest);
      await audit(out ? 'ok' : 'invalid');
      return out ?? [invalid(sub)];
    } catch (err) {
      await audit('error');
      throw err;
    }
  }

  /** null = bad arguments. */
  private async exec(
    actor: string,
    event: ChatEvent,
    sub: string,
    args: string[],
    rest: string,
  ): Promise<Reply[] | null> {
    const g = this.d.generation;
    switch (sub) {
      case 'stats':
        return g.stats();
      case 'queue':
        return g.queue();
      case 'appeals':
        // Each pending appeal comes with Approve / Reject buttons (typing the command works the same).
        return this.d.appeals ? this.d.appeals.pending() : [text('bot.admin.unavailable')];
      case 'spend':
        return g.spend(this.d.clock.now());
      case 'refund':
        return args[0] ? g.refund(args[0], actor) : null;
      case 'revoke': {
        const [order, kind = 'refund'] = args;
        if (!order || !/^[A-Za-z0-9]{1,20}$/.test(order) || (kind !== 'refund' && kind !== 'chargeback')) return null;
        if (!this.d.orders) return [text('bot.admin.unavailable')];
        const r = await this.d.orders.revokeByOperator(order, kind);
        if (r.outcome === 'unknown') return [text('bot.admin.revoke_unknown', { order })];
        return [
          text(r.outcome === 'done' ? 'bot.admin.revoked' : 'bot.admin.revoked_already', {
            order,
            taken: r.taken,
            shortfall: r.shortfall,
          }),
        ];
      }
      case 'appeal': {
        const [id, word] = args;
        // "overturn" / "uphold" are the words of buttons sent before approve / reject existed.
        const decision = ({ approve: 'approve', overturn: 'approve', reject: 'reject', uphold: 'reject' } as const)[
          word?.toLowerCase() as 'approve'
        ];
        if (!id || !decision) return null;
        return this.d.appeals ? this.d.appeals.decide(id, decision, actor) : [text('bot.admin.unavailable')];
      }
      case 'user': {
        const userId = args[0] && (await this.d.directory.resolveUserRef(args[0]));
        if (!userId) return args[0] ? [text('bot.admin.no_user', { id: args[0] })] : null;
        const acc = await this.d.accounts.byUserId(userId);
        const b = await this.d.ledger.balance(userId);
        const targets = await this.d.accounts.targets(userId);
        return [
          text('bot.admin.user', {
            id: userId,
            tier: acc?.tier ?? 'demo',
            banned: acc?.banned ? 'yes' : 'no',
            points: b.total,
            identities: targets.map((t) => `${t.platform}:${t.platformUserId}`).join(', '),
          }),
        ];
      }
      case 'grant': {
        const points = Number(args[1]);
        if (!args[0] || !Number.isSafeInteger(points) || points <= 0) return null;
        const userId = await this.d.directory.resolveUserRef(args[0]);
        if (!userId) return [text('bot.admin.no_user', { id: args[0] })];
        // Keyed by the admin's message: a redelivered command grants once.
        await this.d.ledger.credit(
          userId,
          'purchased',
          points,
          'admin_grant',
          `admin-grant:${event.platform}:${event.eventId}`,
          actor,
        );
        return [text('bot.admin.granted', { id: userId, points })];
      }
      case 'ban':
      case 'unban': {
        const userId = args[0] && (await this.d.directory.resolveUserRef(args[0]));
        if (!userId) return args[0] ? [text('bot.admin.no_user', { id: args[0] })] : null;
        if (!this.d.bans) return [text('bot.admin.unavailable')];
        if (sub === 'ban') await this.d.bans.ban(userId, args.slice(1).join(' ') || undefined, actor);
        else await this.d.bans.unban(userId, actor);
        return [text(sub === 'ban' ? 'bot.admin.banned' : 'bot.admin.unbanned', { id: userId })];
      }
      case 'health': {
        if (!this.d.providers) return [text('bot.admin.unavailable')];
        const snap = await this.d.providers.snapshot();
        const lines = Object.entries(snap)
          .map(([name, s]) => `${name}: ${s.healthy ? '✅' : '❌'}${s.override ? ` (${s.override})` : ''}`)
          .join('\n');
        return [text('bot.admin.health', { lines })];
      }
      case 'provider': {
        const [name, state] = args;
        if (
          !(PROVIDERS as readonly string[]).includes(name ?? '') ||
          (state !== 'on' && state !== 'off' && state !== 'auto')
        )
          return null;
        if (!this.d.providers) return [text('bot.admin.unavailable')];
        await this.d.providers.setOverride(name as ProviderName, state, actor);
        return [text(`bot.admin.provider_${state}`, { name: name! })];
      }
      case 'broadcast': {
        const lang = args[0];
        const body = rest.slice((lang ?? '').length).trim();
        if (!isLocale(lang) || !body) return null;
        const ids = await this.d.directory.identitiesByLocale(lang, this.d.defaultLocale);
        const all: ReplyTarget[] = [];
        for (const userId of new Set(ids.map((i) => i.userId)))
          all.push(...(await this.d.accounts.targets(userId)).filter((x) => x.locale === lang));
        const message = [text('bot.broadcast', { text: body })];
        // Keyed by the admin's message: a redelivered command reaches nobody twice.
        const key = `broadcast:${event.eventId}`;
        if (this.d.notifier.broadcast)
          return [text('bot.admin.broadcast_sent', { count: await this.d.notifier.broadcast(all, message, key) })];
        let sent = 0;
        for (const t of all) {
          await this.d.notifier.push(t, message, { idempotencyKey: `${key}:${t.platform}:${t.platformUserId}` }).then(
            () => sent++,
            () => {},
          );
        }
        return [text('bot.admin.broadcast_sent', { count: sent })];
      }
      default:
        return null;
    }
  }
}
