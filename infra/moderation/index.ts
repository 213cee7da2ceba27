// The moderator the composition root wires: Gemini beside the keyword filter when GEMINI_API_KEY is set, the
// keyword filter alone otherwise (core/moderation/combined.ts decides how their verdicts combine).
import type { Moderator } from '../../core/ports.ts';
import { CombinedModerator, type KeywordOverrides } from '../../core/moderation/index.ts';
import { GeminiModerator } from './gemini.ts';
import { KeywordModerator } from './keyword/keyword-moderator.ts';

export { GeminiModerator, GeminiModerationError, interpret } from './gemini.ts';
export { KeywordModerator } from './keyword/keyword-moderator.ts';

export function createModerator(
  gemini: { apiKey?: string; baseUrl?: string; model: string; timeoutMs: number },
  overrides?: KeywordOverrides,
  log?: { warn(obj: object, m: string): void },
  /** Told each time the keyword filter decided alone (metrics). */
  onFallback?: (reason: 'absent' | 'timeout' | 'error') => void,
): Moderator {
  const primary = gemini.apiKey
    ? new GeminiModerator({
        apiKey: gemini.apiKey,
        baseUrl: gemini.baseUrl,
        model: gemini.model,
        timeoutMs: gemini.timeoutMs * 2,
      })
    : undefined;
  const keyword = new KeywordModerator();
  // Off the start-up path: the index is built a moment after the server is up (or by the first prompt, if sooner).
  setTimeout(() => keyword.warm(), 3_000).unref();
  return new CombinedModerator(primary, keyword, gemini.timeoutMs, overrides, {
    onFallback: (reason, err) => {
      onFallback?.(reason);
      if (reason !== 'absent')
        log?.warn(
          { reason, err: err instanceof Error ? err.message : err },
          'moderation fell back to the keyword filter',
        );
    },
  });
}
