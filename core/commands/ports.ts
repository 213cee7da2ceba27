// Small ports the dispatcher needs besides the services in core/api.ts.
import type { Locale } from '../model.ts';

/** Per-user command budget (RATE_LIMIT_CHAT_PER_MIN). consume() is false when the user is over it. */
export interface ChatRateLimiter {
  consume(key: string): Promise<boolean>;
}

/** Language and auto-pay choices (AccountsRepo implements it). */
export interface AccountSettings {
  setLocale(userId: string, locale: Locale): Promise<void>;
  setAutoPay(userId: string, on: boolean): Promise<void>;
}
