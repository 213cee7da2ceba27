// The ONE status message a video has in a Telegram chat, edited in place with queue position and progress.
// Kept in SharedState per chat and generation: the "queued" answer is adopted as the status message when it is
// sent; otherwise the first progress creates it (claimed with setIfAbsent, so two concurrent progress pushes
// cannot both send one). An edit Telegram refuses is never answered with a new message: "message is not
// modified" (the same text again) is success, and any other refusal only loses a progress hint, the video follows.
// Once the video is sent the entry says so, and a late progress push is ignored.
import { GrammyError, type Api } from 'grammy';
import type { SharedState } from '../../core/ports.ts';

const STATUS_TTL_MS = 2 * 3600_000;
const CREATING = 'creating';
const DONE = 'done';

export const statusKey = (chatId: number | string, generationId: string) => `tg:status:${chatId}:${generationId}`;

/** Telegram's 400 for an edit that would change nothing (core.telegram.org/bots/api#editmessagetext). */
export const isNotModified = (err: unknown) =>
  err instanceof GrammyError && err.error_code === 400 && /message is not modified/i.test(err.description);

export class StatusMessages {
  constructor(
    private readonly api: Api,
    private readonly state: SharedState,
    private readonly log: { warn(o: object, m: string): void },
  ) {}

  /** The answer that queued the video becomes its status message, unless progress already made one. */
  async adopt(chatId: number | string, generationId: string, message: { id: number; text: string }): Promise<void> {
    await this.state.setIfAbsent(statusKey(chatId, generationId), JSON.stringify(message), STATUS_TTL_MS);
  }

  async progress(chatId: number | string, generationId: string, text: string): Promise<void> {
    const key = statusKey(chatId, generationId);
    const raw = await this.state.get(key);
    if (raw === DONE || raw === CREATING) return;
    if (raw === null) {
      if (!(await this.state.setIfAbsent(key, CREATING, STATUS_TTL_MS))) return;
      try {
        const m = await this.api.sendMessage(chatId, text);
        await this.state.set(key, JSON.stringify({ id: m.message_id, text: '' }), STATUS_TTL_MS);
      } catch (err) {
        await this.state.del(key).catch(() => {});
        throw err;
      }
      return;
    }
    const status = JSON.parse(raw) as { id: number; text: string };
    await this.api.editMessageText(chatId, status.id, status.text ? `${status.text}\n\n${text}` : text).catch((err) => {
      if (!isNotModified(err))
        this.log.warn({ err: String(err) }, 'telegram status edit refused: progress hint skipped');
    });
  }

  /** The video was sent: no more status for it. */
  async finish(chatId: number | string, generationId: string): Promise<void> {
    await this.state.set(statusKey(chatId, generationId), DONE, STATUS_TTL_MS);
  }
}
