// What every adapter calls: one verified, deduplicated event in → replies plus the language to render them in.
import type { ChatEvent } from '../core/model.ts';
import type { ChatResponse } from '../core/commands/ports.ts';
import type { Translator } from '../infra/i18n.ts';

export interface BotCore {
  respond(event: ChatEvent): Promise<ChatResponse>;
}

export type { ChatResponse, Translator };

/** A deterministic UUID from an idempotency key (LINE's X-Line-Retry-Key must be a UUID). */
export async function uuidFromKey(key: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const isPublicHttps = (url: string) => {
  try {
    const u = new URL(url);
    return u.protocol === 'https:';
  } catch {
    return false;
  }
};
