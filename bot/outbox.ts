// Messages a platform refused for quota (LINE's monthly push limit), kept until they can ride along with a free
// reply to the same chat. SqlChatStore (infra/db/chat-store.ts) implements it on chat_outbox.
export interface ChatOutbox {
  /** Keeps rendered messages; the same key twice is kept once. */
  keep(platform: string, chatId: string, messages: unknown[], key: string): Promise<void>;
  /** The chat's kept messages not yet delivered, oldest first. */
  pending(platform: string, chatId: string): Promise<{ id: number; messages: unknown[] }[]>;
  delivered(ids: number[]): Promise<void>;
}
