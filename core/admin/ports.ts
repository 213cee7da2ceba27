// What /admin needs from other areas, as narrow ports; app/wire-bot.ts adapts the moderation policy and failover health.
import type { Locale, ProviderName } from '../model.ts';

export type AuditOutcome = 'ok' | 'refused' | 'invalid' | 'error';

export interface AuditLog {
  record(entry: {
    actor: string;
    actorUserId: string | null;
    command: string;
    args: string[];
    outcome: AuditOutcome;
  }): Promise<void>;
}

/** Bans (the moderation policy). */
export interface BanControl {
  ban(userId: string, reason: string | undefined, actor: string): Promise<void>;
  unban(userId: string, actor: string): Promise<void>;
}

/** Provider health (failover): admin override and a snapshot for /admin health. */
export interface ProviderControl {
  /** 'on' forces the provider up, 'off' takes it out of rotation, 'auto' returns it to measured health. */
  setOverride(name: ProviderName, state: 'on' | 'off' | 'auto', actor: string): Promise<void>;
  snapshot(): Promise<Record<string, { healthy: boolean; override?: 'on' | 'off' | null }>>;
}

export interface UserDirectory {
  resolveUserRef(ref: string): Promise<string | null>;
  identitiesByLocale(locale: Locale, fallback: Locale): Promise<{ identityId: string; userId: string }[]>;
}

/** Billing: a refund or chargeback made outside our callbacks, recorded by an admin (once per order and kind). */
export interface OrderRevocation {
  revokeByOperator(
    orderNumber: string,
    kind: 'refund' | 'chargeback',
  ): Promise<{ outcome: 'done' | 'already' | 'unknown' | string; taken: number; shortfall: number }>;
}
