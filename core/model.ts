// The platform-neutral vocabulary every adapter and use case shares. No platform, no HTTP, no SQL here.

export const PLATFORMS = ['line', 'telegram', 'discord', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const LOCALES = ['en', 'ja', 'zh-TW', 'ko', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

export const PROVIDERS = ['leonardo', 'runway', 'pollo', 'goenhance', 'local'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export type Resolution = '720p' | '1080p' | '4k';
export type PointBucket = 'monthly_pollo' | 'monthly_goenhance' | 'purchased';

/** A user-facing message: an i18n key and its parameters. Only the edge turns it into text. */
export interface Msg {
  key: string;
  params?: Record<string, string | number>;
}

/** A choice the user can make: rendered as a button where the platform has them, always also a text command. */
export interface Choice {
  label: Msg;
  /** The command the choice stands for, e.g. "/consent 3f2a… yes"; typing it has the same effect. */
  command: string;
  /** An outside URL instead of a command (opens the web app). */
  url?: string;
}

/** What core asks an adapter to show. Adapters render each kind the platform's way. */
export type Reply =
  | { kind: 'text'; message: Msg; choices?: Choice[] }
  | { kind: 'link'; message: Msg; url: string; label: Msg }
  | {
      kind: 'video';
      generationId: string;
      videoUrl: string; // https URL a platform can fetch (LINE requires https)
      previewUrl: string; // JPEG under 1 MB
      sizeBytes: number;
      /** Local path when the file sits on this machine, so an adapter may upload it instead of linking. */
      localPath?: string;
      caption: Msg;
      galleryUrl: string;
      choices?: Choice[];
    }
  | { kind: 'progress'; generationId: string; stage: string; percent: number; message: Msg };

/** One inbound chat event, already verified and translated by an adapter. */
export interface ChatEvent {
  platform: Platform;
  /** Dedupe key from the platform (LINE webhookEventId, Telegram update_id, Discord interaction id). */
  eventId: string;
  platformUserId: string;
  /** Where replies and later pushes go (LINE user/group id, Telegram chat id, Discord channel id). */
  chatId: string;
  displayName?: string;
  /** The platform's idea of the user's language, used until the user picks one with /lang. */
  platformLocale?: string;
  /** Plain text or a slash command; undefined for unsupported messages (sticker, image, audio …). */
  text?: string;
  /** Platform-specific handle that a later push may need (Discord interaction token, Telegram status message id). */
  replyHandle?: Record<string, string>;
  /** The id of a video this message replies to, when the platform tells us (for /style on a replied video). */
  repliedGenerationId?: string;
  kind: 'message' | 'follow' | 'unsupported';
}

/** Where a finished generation is delivered: enough for a Notifier to reach the chat again later. */
export interface ReplyTarget {
  platform: Platform;
  chatId: string;
  platformUserId: string;
  locale: Locale;
  handle?: Record<string, string>;
}
