// A style picked from a deep link (/start s_anime) or a bare "/style anime", waiting for the user's next plain
// prompt: kept in SharedState (Redis across instances) per user, for ten minutes, and used once.
import type { SharedState } from '../ports.ts';

export const PENDING_STYLE_TTL_MS = 10 * 60_000;

export class PendingStyles {
  constructor(
    private readonly state: SharedState,
    private readonly ttlMs = PENDING_STYLE_TTL_MS,
  ) {}

  private key = (userId: string) => `styles:pending:${userId}`;

  async set(userId: string, styleId: string): Promise<void> {
    await this.state.set(this.key(userId), styleId, this.ttlMs);
  }

  /** The pending style, removed as it is read (a second prompt is a plain video again). */
  async take(userId: string): Promise<string | null> {
    const styleId = await this.state.get(this.key(userId));
    if (styleId) await this.state.del(this.key(userId));
    return styleId;
  }
}
