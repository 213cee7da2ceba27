// Telegram delivers updates either to a webhook or to getUpdates, never both. With a public https base URL and a
// secret the app sets the webhook itself (secret_token comes back in X-Telegram-Bot-Api-Secret-Token, which the
// route checks); otherwise polling deletes it first (polling.ts). Source: core.telegram.org/bots/api#setwebhook
// (docs/platforms.md).
import type { Api } from 'grammy';

export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';
/** The updates the adapter reads (inbound.ts); others are not sent at all. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** The webhook URL when this deployment can take one (https), else undefined: poll instead. */
export function telegramWebhookUrl(publicBaseUrl: string, secret: string | undefined): string | undefined {
  return secret && publicBaseUrl.startsWith('https://')
    ? `${publicBaseUrl.replace(/\/$/, '')}${TELEGRAM_WEBHOOK_PATH}`
    : undefined;
}

export async function setTelegramWebhook(api: Api, url: string, secret: string): Promise<void> {
  await api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
}
