// What every adapter calls: one verified, deduplicated event in → replies plus the language to render them in.
import type { ChatEvent } from '../core/model.ts';
import type { ChatResponse } from '../core/commands/ports.ts';

export interface BotCore {
  respond(event: ChatEvent): Promise<ChatResponse>;
}
