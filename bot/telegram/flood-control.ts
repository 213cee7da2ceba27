// Flood control for every Bot API call: grammY's throttler keeps under Telegram's limits before a call is made
// (about 30 messages a second overall, 20 a minute in one group, about one a second in one private chat, short
// bursts allowed), and auto-retry waits out a 429 `parameters.retry_after` and tries again (docs/platforms.md).
// Server errors (5xx) and network failures are not retried here: the inbox retries the whole event instead.
import type { Api } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';

export interface FloodLimits {
  /** Calls a second over all chats. */
  globalPerSecond: number;
  /** Calls a minute into one group (negative chat id). */
  groupPerMinute: number;
  /** Calls in a burst into one private chat, refilled every `privateBurstMs`. */
  privateBurst: number;
  privateBurstMs: number;
  /** A 429 asking to wait longer than this fails the call instead (the inbox retries the event later). */
  maxRetryAfterSeconds: number;
  maxRetries: number;
}

export const TELEGRAM_LIMITS: FloodLimits = {
  globalPerSecond: 30,
  groupPerMinute: 20,
  privateBurst: 4,
  privateBurstMs: 4_000,
  maxRetryAfterSeconds: 60,
  maxRetries: 3,
};

/** Calls that post nothing into the chat: not spent from its budget (a chat action is only a hint). */
const UNTHROTTLED = new Set(['sendChatAction', 'answerCallbackQuery']);

export function installFloodControl(api: Api, limits: FloodLimits = TELEGRAM_LIMITS): void {
  // Installed first, so it runs inside the throttler: a chat waiting out its 429 holds that chat's place in line.
  api.config.use(
    autoRetry({
      maxDelaySeconds: limits.maxRetryAfterSeconds,
      maxRetryAttempts: limits.maxRetries,
      rethrowInternalServerErrors: true,
      rethrowHttpErrors: true,
    }),
  );
  const throttle = apiThrottler({
    global: {
      reservoir: limits.globalPerSecond,
      reservoirRefreshAmount: limits.globalPerSecond,
      reservoirRefreshInterval: 1_000,
    },
    group: {
      maxConcurrent: 1,
      reservoir: limits.groupPerMinute,
      reservoirRefreshAmount: limits.groupPerMinute,
      reservoirRefreshInterval: 60_000,
    },
    out: {
      maxConcurrent: 1,
      reservoir: limits.privateBurst,
      reservoirRefreshAmount: limits.privateBurst,
      reservoirRefreshInterval: limits.privateBurstMs,
    },
  });
  api.config.use((prev, method, payload, signal) =>
    UNTHROTTLED.has(method) ? prev(method, payload, signal) : throttle(prev, method, payload, signal),
  );
}
