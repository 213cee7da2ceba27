// The platform-neutral vocabulary every adapter and use case shares. No platform, no HTTP, no SQL here.

export const PLATFORMS = ['line', 'telegram', 'discord', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];
/** Brand names, the same in every language (named to a user: "your LINE account"). */
export const PLATFORM_NAMES: Record<Platform, string> = {
  line: 'LINE',
  telegram: 'Telegram',
  discord: 'Discord',
  console: 'VidGo console',
};

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
  /**
   * An outside URL instead of a command: a sign-in link into the web app, so it is personal. In a group chat the
   * choice keeps only its command (core/privacy.ts).
   */
  url?: string;
}

/**
 * Who reads a chat: the user's one-to-one chat with the bot, or a chat others read too (a LINE group or room, a
 * Telegram group, supergroup or channel, a Discord server channel).
 */
export type Conversation = 'direct' | 'group';

/**
 * What core asks an adapter to show. Adapters render each kind the platform's way.
 * Personal replies (a `link`, which is always a sign-in link, and a `text` marked `personal`: link codes,
 * balances, account notices) are never shown in a group: see core/privacy.ts.
 */
export type Reply =
  | { kind: 'text'; message: Msg; choices?: Choice[]; personal?: boolean }
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
  /** The chat the event came from, where its replies go (LINE user/group/room id, Telegram chat id, Discord channel id). */
  chatId: string;
  /** Whether `chatId` is the user's one-to-one chat with the bot or a group; absent means one-to-one. */
  conversation?: Conversation;
  /**
   * Replies to this event are seen by the user alone although it came from a group (a Discord interaction answered
   * ephemerally): personal replies may go there directly.
   */
  privateReplies?: boolean;
  displayName?: string;
  /** The platform's idea of the user's language, used until the user picks one with /lang. */
  platformLocale?: string;
  /** Plain text or a slash command; undefined for unsupported messages (sticker, image, audio …). */
  text?: string;
  /** Platform-specific handle that a later push may need (Discord interaction token, Telegram status message id). */
  replyHandle?: Record<string, string>;
  /** The id of a video this message replies to, when the platform tells us (for /style on a replied video). */
  repliedGenerationId?: string;
  /** A photo the user sent (to animate); its caption, if any, is in `text`. */
  photo?: InboundPhoto;
  kind: 'message' | 'follow' | 'unsupported';
}

/** Where a finished generation is delivered: enough for a Notifier to reach the chat again later. */
export interface ReplyTarget {
  platform: Platform;
  /**
   * The chat to push to. For the user's one-to-one chat (`conversation` direct) LINE and Telegram use the user id
   * itself; on Discord a chatId equal to platformUserId stands for the user's DM channel, which the adapter opens.
   */
  chatId: string;
  /** Absent means one-to-one. A group target gets only what the group may see; personal replies go one-to-one. */
  conversation?: Conversation;
  platformUserId: string;
  locale: Locale;
  handle?: Record<string, string>;
}

/** A photo as an adapter received it: read lazily, so an oversized one is refused without downloading it all. */
export interface InboundPhoto {
  /** The size the platform declared, when it says (Telegram file_size, Discord attachment size). */
  declaredBytes?: number;
  /** The bytes; null when the photo is larger than maxBytes (reading stops there). */
  read(maxBytes: number): Promise<Uint8Array | null>;
}
