// Small ports the dispatcher needs besides the services in core/api.ts.
import type { Locale, Reply } from '../model.ts';

/** Per-user command budget (RATE_LIMIT_CHAT_PER_MIN). consume() is false when the user is over it. */
export interface ChatRateLimiter {
  consume(key: string): Promise<boolean>;
}

/** Language and auto-pay choices (AccountsRepo implements it). */
export interface AccountSettings {
  setLocale(userId: string, locale: Locale): Promise<void>;
  setAutoPay(userId: string, on: boolean): Promise<void>;
}

/** What an adapter gets back: the replies and the language to render them in (it may just have changed). */
export interface ChatResponse {
  replies: Reply[];
  locale: Locale;
  /** A generation is under way for this user and nothing final was shown: adapters show their waiting UI. */
  pending?: boolean;
  /** The generation this command started or answered (when known): adapters tie its waiting UI to it. */
  generationId?: string;
  /**
   * Personal replies to an event from a group (core/privacy.ts), kept out of `replies`: the adapter delivers them
   * where the user alone reads them (one-to-one chat, Discord ephemeral message) and tells the group where to look.
   */
  direct?: Reply[];
}
