// The moderator the composition root wires: Gemini with the keyword filter as fallback when GEMINI_API_KEY is
// set, the keyword filter alone otherwise.
import type { Moderator } from '../../core/ports.ts';
import { FallbackModerator, KeywordModerator } from '../../core/moderation/index.ts';
import { GeminiModerator } from './gemini.ts';

export { GeminiModerator, GeminiModerationError, interpret } from './gemini.ts';

export function createModerator(
  gemini: { apiKey?: string; baseUrl?: string; model: string; timeoutMs: number },
  log?: { warn(obj: object, m: string): void },
): Moderator {
  const primary = gemini.apiKey
    ? new GeminiModerator({ apiKey: gemini.apiKey, baseUrl: gemini.baseUrl, model: gemini.model, timeoutMs: gemini.timeoutMs * 2 })
    : undefined;
  return new FallbackModerator(primary, new KeywordModerator(), gemini.timeoutMs, {
    onFallback: (reason, err) => {
      if (reason !== 'absent') log?.warn({ reason, err: err instanceof Error ? err.message : err }, 'moderation fell back to the keyword filter');
    },
  });
}
