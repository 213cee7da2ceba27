// Gemini first, the keyword filter when Gemini is slow (past timeoutMs), failing (throws) or absent. The primary
// gets an AbortSignal that fires at the timeout so its request does not linger.
import type { ModerationVerdict, Moderator } from '../ports.ts';

export interface FallbackEvents {
  /** Called when the fallback decided instead of the primary (for logs and metrics). */
  onFallback?(reason: 'absent' | 'timeout' | 'error', err?: unknown): void;
}

export class FallbackModerator implements Moderator {
  constructor(
    private readonly primary: Moderator | null | undefined,
    private readonly fallback: Moderator,
    private readonly timeoutMs: number,
    private readonly events: FallbackEvents = {},
  ) {}

  async check(text: string, signal?: AbortSignal): Promise<ModerationVerdict> {
    if (!this.primary) {
      this.events.onFallback?.('absent');
      return this.fallback.check(text, signal);
    }
    const ac = new AbortController();
    const onAbort = () => ac.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      const first = await Promise.race([this.primary.check(text, ac.signal), timeout]);
      if (first !== 'timeout') return first;
      this.events.onFallback?.('timeout');
    } catch (err) {
      if (signal?.aborted) throw err; // the caller gave up: no fallback either
      this.events.onFallback?.('error', err);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ac.abort(); // a primary still running past the timeout is cancelled
    }
    return this.fallback.check(text, signal);
  }
}
