// A photo in a chat: validated and stored privately, then animated with its caption as the motion prompt. A photo
// without a caption waits two minutes for a text naming the motion (or the "Animate now" button, which uses the
// gentle default); the wait is per user and chat in shared state.
import type { Account, GenerationOutcome, GenerationService, SourceImage } from '../api.ts';
import type { ChatEvent, Choice, Reply } from '../model.ts';
import type { SharedState } from '../ports.ts';
import { parse } from '../commands/grammar.ts';
import { FOLLOW_UP_PROMPT_MS } from './motion-prompt.ts';
import { MAX_PHOTO_BYTES, MAX_PHOTO_SIDE, type PhotoIntake } from './ports.ts';

/** The command of the "Animate now" button (and what a user may type) for a photo waiting for its prompt. */
export const ANIMATE_COMMAND = '/animate';

export interface PhotoChatDeps {
  intake: PhotoIntake;
  generation: Pick<GenerationService, 'requestOutcome'>;
  state: SharedState;
}

const text = (key: string, params?: Record<string, string | number>, choices?: Choice[]): Reply => ({
  kind: 'text',
  message: { key, ...(params ? { params } : {}) },
  ...(choices ? { choices } : {}),
});
const only = (...replies: Reply[]): GenerationOutcome => ({ replies });

export class PhotoChat {
  constructor(private readonly d: PhotoChatDeps) {}

  private key = (account: Account, event: ChatEvent) =>
    `photo:pending:${account.userId}:${event.platform}:${event.chatId}`;

  /** A photo arrived (event.photo); its caption, if any, is event.text. */
  async received(account: Account, event: ChatEvent, requestKey: string): Promise<GenerationOutcome> {
    const inbound = event.photo!;
    if (inbound.declaredBytes !== undefined && inbound.declaredBytes > MAX_PHOTO_BYTES)
      return only(refused('too_large'));
    const bytes = await inbound.read(MAX_PHOTO_BYTES);
    if (!bytes) return only(refused('too_large'));
    const taken = await this.d.intake.accept(account.userId, bytes);
    if (!taken.ok) return only(refused(taken.reason));
    const prompt = captionPrompt(event.text);
    if (prompt) return this.animate(account, taken.photo, prompt, requestKey);
    await this.d.state.set(this.key(account, event), JSON.stringify(taken.photo), FOLLOW_UP_PROMPT_MS);
    return only(
      text('photo.ask_prompt', { count: Math.round(FOLLOW_UP_PROMPT_MS / 60_000) }, [
        { label: { key: 'photo.animate_now' }, command: ANIMATE_COMMAND },
      ]),
    );
  }

  /** A plain text: the motion prompt when a photo of this user waits in this chat, else null (an ordinary prompt). */
  async followUp(
    account: Account,
    event: ChatEvent,
    prompt: string,
    requestKey: string,
  ): Promise<GenerationOutcome | null> {
    const photo = await this.take(account, event);
    return photo ? this.animate(account, photo, prompt, requestKey) : null;
  }

  /** "Animate now": the waiting photo with the default motion. */
  async animateNow(account: Account, event: ChatEvent, requestKey: string): Promise<GenerationOutcome> {
    const photo = await this.take(account, event);
    return photo ? this.animate(account, photo, '', requestKey) : only(text('photo.none_waiting'));
  }

  private animate(
    account: Account,
    photo: SourceImage,
    prompt: string,
    requestKey: string,
  ): Promise<GenerationOutcome> {
    return this.d.generation.requestOutcome(account, { kind: 'image', prompt, sourceImage: photo, requestKey });
  }

  private async take(account: Account, event: ChatEvent): Promise<SourceImage | null> {
    const key = this.key(account, event);
    const raw = await this.d.state.get(key);
    if (!raw) return null;
    await this.d.state.del(key);
    return JSON.parse(raw) as SourceImage;
  }
}

const refused = (reason: string): Reply =>
  text(`photo.refused.${reason}`, { maxMb: MAX_PHOTO_BYTES / (1024 * 1024), maxSide: MAX_PHOTO_SIDE });

/** A caption is the prompt; "/video …" as a caption is read as its prompt, any other command is not a prompt. */
function captionPrompt(caption: string | undefined): string {
  if (!caption?.trim()) return '';
  const cmd = parse(caption);
  return cmd.name === 'video' ? cmd.prompt : '';
}
