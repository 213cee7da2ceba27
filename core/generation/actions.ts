// Result actions: the buttons under a delivered video, and what a press does. Each press that makes a video builds
// an ordinary request from the parent (prompt, style, resolution, source) and hands it to the request path, which
// applies the tiers, moderation, failover, consent and points as for anything typed. The request key is the
// button's id and the presser, so a button pressed twice (or a press handled again) makes one generation.
import crypto from 'node:crypto';
import type { Choice, Msg, Reply } from '../model.ts';
import type {
  Account,
  GenerationOutcome,
  GenerationRequest,
  GenerationService,
  GenerationView,
  SourceImage,
} from '../api.ts';
import type { MediaStore, MediaTools } from '../ports.ts';
import type { PhotoIntake } from '../photos/ports.ts';
import { ACTION_ID, issueToken, type ActionTokenStore } from './action-tokens.ts';
import type { GenerationRow, GenerationStore, ResultAction } from './types.ts';

/** What a "✨ Variation" adds to the prompt: a small, harmless change of view, light or motion (never content). */
export const VARIATION_MODIFIERS = [
  'from a different camera angle',
  'in softer light',
  'with a slower camera move',
  'at a different time of day',
  'with a closer framing',
  'with livelier motion',
] as const;

/** What "➕ Extend" adds to the prompt: the new clip starts on the parent's last frame and carries its motion on. */
export const EXTEND_MODIFIER = 'continuing the motion from this frame';

/** Below Leonardo's Motion 2.0 maximum, so one seed serves every provider that takes one. */
const MAX_SEED = 2_147_483_637;

export interface ResultActionsDeps {
  tokens: ActionTokenStore;
  store: Pick<GenerationStore, 'get' | 'childrenOf' | 'byRequestKey'>;
  generation: Pick<GenerationService, 'requestOutcome' | 'get'>;
  /** The style catalogue: "🎨 Style" lists it (core/styles/catalog.ts). */
  styles?: { list(): Promise<{ id: string; name: string; names: Partial<Record<string, string>> }[]> };
  /**
   * "➕ Extend" from the last frame: the clip's file, ffmpeg's last frame, and the photo intake that validates and
   * stores it privately like a received photo (same retention). Without it Extend answers "not available".
   */
  frames?: { media: Pick<MediaStore, 'getFile'>; tools: Pick<MediaTools, 'lastFrame'>; photos: PhotoIntake };
  /** A new provider seed (tests may fix it). */
  seed?: () => number;
}

const text = (key: string, params?: Record<string, string | number>, choices?: Choice[]): Reply => ({
  kind: 'text',
  message: params ? { key, params } : { key },
  ...(choices?.length ? { choices } : {}),
});
const only = (...replies: Reply[]): GenerationOutcome => ({ replies });
const label = (action: ResultAction): Msg => ({ key: `actions.button.${action}` });

/** Which buttons a finished generation gets: none for Smart Demo clips, no 4K for what is already 4K. */
export function actionsFor(gen: Pick<GenerationRow, 'kind' | 'resolution' | 'status'>): ResultAction[] {
  if (gen.kind === 'demo' || gen.status !== 'succeeded') return [];
  return gen.resolution === '4k'
    ? ['retry', 'variation', 'extend', 'style']
    : ['retry', 'variation', 'extend', 'style', 'upscale'];
}

/** The command a button sends: only the opaque id. */
export const actionCommand = (id: string) => `/act ${id}`;

/** The buttons under a delivered video (finish.ts): one id per action, the same ids whenever asked again. */
export async function resultChoices(tokens: ActionTokenStore, gen: GenerationRow): Promise<Choice[]> {
  const out: Choice[] = [];
  for (const action of actionsFor(gen)) {
    const id = await issueToken(tokens, { generationId: gen.id, userId: gen.userId, action, style: '' });
    out.push({ label: label(action), command: actionCommand(id) });
  }
  return out;
}

export class ResultActions {
  private readonly seed: () => number;
  constructor(private readonly d: ResultActionsDeps) {
    this.seed = d.seed ?? (() => crypto.randomInt(1, MAX_SEED));
  }

  /** A button press (`/act <id>`, or a gallery deep link carrying the id). */
  async press(account: Account, id: string): Promise<GenerationOutcome> {
    const token = ACTION_ID.test(id) ? await this.d.tokens.find(id) : null;
    const parent = token ? await this.d.store.get(token.generationId) : null;
    // Someone else's button (a group member pressing under another's video) or a made-up id: the same answer.
    if (!token || !parent || parent.userId !== account.userId || !actionsFor(parent).includes(token.action))
      return only(text('actions.unknown'));
    const base = { requestKey: `action:${account.userId}:${id}`, parent: { id: parent.id, action: token.action } };
    switch (token.action) {
      case 'retry':
        return this.d.generation.requestOutcome(account, { ...this.again(parent), ...base, seed: this.seed() });
      case 'variation': {
        const seed = this.seed();
        const prompt = await this.rootPrompt(parent);
        if (!prompt) return only(text('actions.unknown'));
        const modifier = VARIATION_MODIFIERS[seed % VARIATION_MODIFIERS.length]!;
        return this.d.generation.requestOutcome(account, {
          kind: 'video',
          prompt: `${prompt.slice(0, 900)}, ${modifier}`,
          resolution: parent.resolution === '4k' ? '1080p' : parent.resolution,
          ...base,
          seed,
        });
      }
      case 'extend':
        return this.extend(account, parent, base);
      case 'style':
        if (!token.style) return only(await this.styleList(account, parent));
        return this.d.generation.requestOutcome(account, {
          kind: 'style',
          style: token.style,
          prompt: '',
          sourceGenerationId: parent.id,
          ...base,
        });
      case 'upscale':
        return this.d.generation.requestOutcome(account, {
          kind: 'upscale',
          prompt: '',
          resolution: '4k',
          sourceGenerationId: parent.id,
          ...base,
        });
    }
  }

  /** The ids behind a video's buttons, for the gallery's Remix links; empty unless it is the user's finished video. */
  async remix(userId: string, generationId: string): Promise<{ action: ResultAction; id: string }[]> {
    const gen = await this.d.store.get(generationId).catch(() => null);
    if (!gen || gen.userId !== userId) return [];
    const out: { action: ResultAction; id: string }[] = [];
    for (const action of actionsFor(gen))
      out.push({ action, id: await issueToken(this.d.tokens, { generationId: gen.id, userId, action, style: '' }) });
    return out;
  }

  /** A video's family for the gallery: the video its button was pressed under, and the ones made from its buttons. */
  async family(
    userId: string,
    generationId: string,
  ): Promise<{ parent: GenerationView | null; children: GenerationView[] } | null> {
    const gen = await this.d.store.get(generationId).catch(() => null);
    if (!gen || gen.userId !== userId) return null;
    const parent = gen.parentId ? await this.d.generation.get(userId, gen.parentId) : null;
    const kids = await this.d.store.childrenOf(gen.id);
    const children = (await Promise.all(kids.map((k) => this.d.generation.get(userId, k.id)))).filter(
      (v): v is GenerationView => v !== null,
    );
    return { parent, children };
  }

  /**
   * "➕ Extend": no provider documents continuing a clip (docs/providers.md), so the clip's last frame is animated
   * as a photo with the parent's prompt carried on — an 'image' generation under the photo rules (image moderation
   * included). A press handled again answers about the generation the first made, without taking the frame again.
   */
  private async extend(
    account: Account,
    parent: GenerationRow,
    base: Pick<GenerationRequest, 'requestKey' | 'parent'>,
  ): Promise<GenerationOutcome> {
    const earlier = await this.d.store.byRequestKey(base.requestKey!);
    if (earlier?.sourceImage)
      return this.d.generation.requestOutcome(account, {
        kind: 'image',
        prompt: earlier.prompt,
        sourceImage: earlier.sourceImage,
        ...base,
      });
    const f = this.d.frames;
    if (!f)
      return only(text('actions.extend_unavailable', undefined, await this.choices(parent, ['variation', 'retry'])));
    const frame = await this.lastFrame(f, parent);
    if (!frame)
      return only(text('actions.extend_no_frame', undefined, await this.choices(parent, ['variation', 'retry'])));
    // An extension of an extension carries the modifier once.
    const prompt = (await this.rootPrompt(parent)).replace(new RegExp(`(, )?${EXTEND_MODIFIER}$`), '');
    return this.d.generation.requestOutcome(account, {
      kind: 'image',
      prompt: prompt ? `${prompt.slice(0, 900)}, ${EXTEND_MODIFIER}` : EXTEND_MODIFIER,
      sourceImage: frame,
      resolution: parent.resolution === '4k' ? '1080p' : parent.resolution,
      ...base,
    });
  }

  /** The parent's last frame stored as the user's photo (from the clean master where there is one), or null. */
  private async lastFrame(
    f: NonNullable<ResultActionsDeps['frames']>,
    parent: GenerationRow,
  ): Promise<SourceImage | null> {
    const key = parent.masterKey ?? parent.mediaKey;
    if (!key) return null;
    let bytes: Buffer;
    try {
      bytes = await f.tools.lastFrame(await f.media.getFile(key));
    } catch {
      return null; // the clip is gone from the store, or ffmpeg could not read it
    }
    const taken = await f.photos.accept(parent.userId, bytes);
    return taken.ok ? taken.photo : null;
  }

  /** "🔁 Retry": the parent's own request again (a two-stage style stays two-stage, a restyle keeps its source). */
  private again(p: GenerationRow): Omit<GenerationRequest, 'requestKey'> {
    return {
      kind: p.kind === 'demo' ? 'video' : p.kind,
      prompt: p.prompt,
      resolution: p.resolution,
      ...(p.style ? { style: p.style } : {}),
      ...(p.sourceGenerationId ? { sourceGenerationId: p.sourceGenerationId } : {}),
    };
  }

  /** The words a video was made from: a restyle or upscale has none of its own, its source has (a few hops at most). */
  private async rootPrompt(g: GenerationRow): Promise<string> {
    let cur: GenerationRow | null = g;
    for (let hops = 0; cur && hops < 5; hops++) {
      if (cur.prompt.trim()) return cur.prompt.trim();
      const next: string | null = cur.sourceGenerationId ?? cur.parentId;
      cur = next ? await this.d.store.get(next) : null;
      if (cur && cur.userId !== g.userId) return '';
    }
    return '';
  }

  private async choices(parent: GenerationRow, actions: ResultAction[]): Promise<Choice[]> {
    const out: Choice[] = [];
    for (const action of actions) {
      const id = await issueToken(this.d.tokens, { generationId: parent.id, userId: parent.userId, action, style: '' });
      out.push({ label: label(action), command: actionCommand(id) });
    }
    return out;
  }

  /** "🎨 Style": the catalogue as buttons, each an id for (this video, style). */
  private async styleList(account: Account, parent: GenerationRow): Promise<Reply> {
    const styles = this.d.styles ? await this.d.styles.list() : [];
    if (!styles.length) return text('styles.none');
    const choices: Choice[] = [];
    for (const s of styles) {
      const id = await issueToken(this.d.tokens, {
        generationId: parent.id,
        userId: parent.userId,
        action: 'style',
        style: s.id,
      });
      choices.push({
        label: { key: 'styles.choice', params: { name: s.names[account.locale] ?? s.name } },
        command: actionCommand(id),
      });
    }
    return text('actions.style_pick', undefined, choices);
  }
}
