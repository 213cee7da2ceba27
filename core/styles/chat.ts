// The chat side of styles: /style <style> <prompt>, /style <style> on a replied video, bare /style, the Telegram
// deep link /start s_<style>, and the plain prompt that follows a picked style.
// Choice made for the deep link: the pick is kept per user in SharedState for ten minutes (PendingStyles) and the
// user's next plain-text prompt becomes "/style <id> <prompt>"; typing /style <id> <prompt> works at any time.
import type { Account, GenerationOutcome, GenerationService } from '../api.ts';
import type { Choice, Locale, Reply } from '../model.ts';
import { resolveStyle, styleName, type Style, type StyleCatalog } from './catalog.ts';
import type { PendingStyles } from './pending.ts';

export interface StyleChatDeps {
  catalog: StyleCatalog;
  pending: PendingStyles;
  generation: Pick<GenerationService, 'requestOutcome'>;
}

const text = (key: string, params?: Record<string, string | number>, choices?: Choice[]): Reply => ({
  kind: 'text',
  message: { key, ...(params ? { params } : {}) },
  ...(choices ? { choices } : {}),
});

/** One button per style; pressing it sends "/style <id> ", which asks for the prompt. */
export function styleChoices(styles: Style[], locale: Locale): Choice[] {
  return styles.map((s) => ({
    label: { key: 'styles.choice', params: { name: styleName(s, locale) } },
    command: `/style ${s.id} `,
  }));
}

export class StyleChat {
  constructor(private readonly d: StyleChatDeps) {}

  /** "/style <word> <prompt>", with the replied video when the platform told us of one; the outcome names the
   * generation it made, if any. */
  async style(
    account: Account,
    word: string,
    prompt: string,
    opts: { requestKey: string; repliedGenerationId?: string },
  ): Promise<GenerationOutcome> {
    const found = await resolveStyle(this.d.catalog, word, prompt);
    if (!found) return { replies: await this.list(account, 'styles.unknown', { style: word }) };
    if (!found.prompt && !opts.repliedGenerationId) return { replies: await this.choose(account, found.style) };
    return this.request(account, found.style, found.prompt, opts);
  }

  /** /start s_<style> from the web showcase. */
  async start(account: Account, word: string): Promise<Reply[]> {
    const style = await this.d.catalog.find(word);
    return style ? this.choose(account, style) : this.list(account, 'styles.unknown', { style: word });
  }

  /** Bare /style: how to use it, with the styles as buttons. */
  usage(account: Account): Promise<Reply[]> {
    return this.list(account, 'styles.usage');
  }

  /** A plain prompt after a pick: the style command it stands for, or null when nothing is pending. */
  async pendingPrompt(account: Account, prompt: string, requestKey: string): Promise<GenerationOutcome | null> {
    const styleId = await this.d.pending.take(account.userId);
    const style = styleId ? await this.d.catalog.find(styleId) : null;
    return style ? this.request(account, style, prompt, { requestKey }) : null;
  }

  /** The generation records our style id; the GoEnhance wrapper (provider.ts) sends the model id. */
  private request(
    account: Account,
    style: Style,
    prompt: string,
    opts: { requestKey: string; repliedGenerationId?: string },
  ): Promise<GenerationOutcome> {
    return this.d.generation.requestOutcome(account, {
      kind: 'style',
      style: style.id,
      prompt,
      requestKey: opts.requestKey,
      ...(opts.repliedGenerationId ? { sourceGenerationId: opts.repliedGenerationId } : {}),
    });
  }

  private async choose(account: Account, style: Style): Promise<Reply[]> {
    await this.d.pending.set(account.userId, style.id);
    return [
      text('styles.chosen', { name: styleName(style, account.locale), id: style.id }, [
        { label: { key: 'styles.other' }, command: '/style' },
      ]),
    ];
  }

  private async list(account: Account, key: string, params?: Record<string, string>): Promise<Reply[]> {
    const styles = await this.d.catalog.list();
    if (!styles.length) return [text('styles.none')];
    return [text(key, params, styleChoices(styles, account.locale))];
  }
}
