// Telegram in the platform registry (bot/platforms.ts): on when TELEGRAM_BOT_TOKEN is set; grammY loads only then.
// A webhook with TELEGRAM_WEBHOOK_SECRET and an https PUBLIC_BASE_URL, else long polling.
import type { Locale } from '../../core/model.ts';
import type { PlatformDescriptor } from '../platform.ts';
import type { FloodLimits } from './flood-control.ts';

/** The part of the app config (app/config.ts) Telegram reads. */
export interface TelegramConfig {
  telegram?: { botToken: string; webhookSecret?: string; apiRoot: string; username?: string };
  publicBaseUrl: string;
  adminIds: string[];
  defaultLocale: Locale;
}

/** limits: Telegram's flood limits (default: Telegram's own, flood-control.ts); tests loosen them. */
export const telegramPlatformWith = (opts: { limits?: FloodLimits } = {}): PlatformDescriptor<TelegramConfig> => ({
  name: 'telegram',
  configured: (config) => Boolean(config.telegram),
  create: async (deps) => (await import('./telegram-platform.ts')).createTelegramPlatform(deps, opts.limits),
});

export const telegramPlatform = telegramPlatformWith();
