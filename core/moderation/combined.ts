// Gemini beside the keyword filter. The keyword filter always runs (well under a millisecond); Gemini gets until
// timeoutMs. Decisions:
// - Gemini absent, slow (past timeoutMs) or failing (throws): the keyword filter decides alone;
// - Gemini answered: a Gemini refusal stands; a keyword refusal also stands although Gemini allowed the prompt,
//   unless an admin has allowed that prompt (an approved appeal of a keyword refusal, KeywordOverrides).
// The primary gets an AbortSignal that fires at the timeout so its request does not linger.
import type { ModerationVerdict, Moderator } from '../ports.ts';

export interface CombinedEvents {
  /** Called when the keyword filter decided alone (for logs and metrics). */
  onFallback?(reason: 'absent' | 'timeout' | 'error', err?: unknown): void;
}

/** Prompts an admin allowed past the keyword filter (core/moderation/policy.ts records them on approval). */
export interface KeywordOverrides {
  allows(text: string): Promise<boolean>;
}

export class CombinedModerator implements Moderator {
  constructor(
    private readonly primary: Moderator | null | undefined,
    private readonly keyword: Moderator,
    private readonly timeoutMs: number,
    private readonly overrides?: KeywordOverrides,
    private readonly events: CombinedEvents = {},
  ) {}

  async check(text: string, signal?: AbortSignal): Promise<ModerationVerdict> {
    const keyword = this.keywordVerdict(text, signal);
    const gemini = await this.primaryVerdict(text, signal);
    const kw = await keyword;
    if (!gemini) return kw;
    if (!gemini.allowed) {
      if (kw.allowed) return gemini;
      return { ...gemini, source: 'gemini+keyword', reason: [gemini.reason, kw.reason].filter(Boolean).join('; ') };
    }
    return kw.allowed ? gemini : { ...kw, reason: `${kw.reason ?? 'keyword'}; gemini allowed it` };
  }

  private async keywordVerdict(text: string, signal?: AbortSignal): Promise<ModerationVerdict> {
    const v = await this.keyword.check(text, signal);
    if (!v.allowed && this.overrides && (await this.overrides.allows(text)))
      return { allowed: true, source: 'keyword', reason: 'allowed by an admin' };
    return v;
  }

  /** Gemini's verdict, or null when it is absent, failed or did not answer in time. */
  private async primaryVerdict(text: string, signal?: AbortSignal): Promise<ModerationVerdict | null> {
    if (!this.primary) {
      this.events.onFallback?.('absent');
      return null;
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
    return null;
  }
}
