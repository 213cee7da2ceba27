// Prompts that arrive inside a Telegram deep link (t.me/<bot>?start=p_<base64url>). Anyone can write such a link
// and send it to anyone, so its prompt is not the user's own words until they say so: it is shown with a confirm
// button and kept here, and only the user's press makes it a request — moderation (and a possible strike), points
// and auto-pay all come after that press, never before.
import crypto from 'node:crypto';
import type { SharedState } from '../ports.ts';

const TTL_MS = 30 * 60_000;
const ID = /^[A-Za-z0-9_-]{8,24}$/;

export class DeepLinkPrompts {
  constructor(private readonly state: SharedState) {}

  /** Keeps the prompt for this user; the id goes into the confirm button (`/start c_<id>`). */
  async hold(userId: string, prompt: string): Promise<string> {
    const id = crypto.randomBytes(9).toString('base64url');
    await this.state.set(this.key(userId, id), prompt, TTL_MS);
    return id;
  }

  /**
   * The held prompt, for one press only: another press (or another user) gets null. `by` names the press (the chat
   * event's request key), so the same press handled again after a crash gets it again and makes the same request.
   */
  async take(userId: string, id: string, by: string): Promise<string | null> {
    if (!ID.test(id)) return null;
    const key = this.key(userId, id);
    const prompt = await this.state.get(key);
    if (prompt === null) return null;
    if (await this.state.setIfAbsent(`${key}:taken`, by, TTL_MS)) return prompt;
    return (await this.state.get(`${key}:taken`)) === by ? prompt : null;
  }

  async drop(userId: string, id: string): Promise<void> {
    if (ID.test(id)) await this.state.del(this.key(userId, id));
  }

  private key(userId: string, id: string): string {
    return `deeplink:${userId}:${id}`;
  }
}
