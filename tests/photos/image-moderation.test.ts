// The image moderator as app/wire-core.ts builds it, against the fake Gemini: the photo goes inline beside the
// prompt; a refusal is a verdict; Gemini failing means "cannot decide" (the photo path refuses), unless the
// operator set IMAGE_MODERATION=off; without a Gemini key and without the opt-out there is no image moderator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageModerationUnavailable } from '../../core/ports.ts';
import { createImageModerator } from '../../infra/moderation/gemini-image.ts';
import { startGeminiFake, type GeminiFake } from '../fakes/gemini.ts';
import { jpegWithGps } from './support/images.ts';

let gemini: GeminiFake;
let photo: Buffer;
beforeAll(async () => {
  gemini = await startGeminiFake({
    classify: (text, images) =>
      images.length === 1 && /knife/.test(text)
        ? { allowed: false, category: 'violence', reason: 'weapon' }
        : { allowed: true },
  });
  photo = await jpegWithGps(64, 48);
});
afterAll(async () => gemini.close());

const config = () => ({ apiKey: 'k', baseUrl: gemini.url, model: 'gemini-2.5-flash', timeoutMs: 500 });

describe('image moderation', () => {
  it('sends the photo inline with the prompt and returns Gemini verdicts', async () => {
    const m = createImageModerator(config(), 'auto')!;
    expect(await m.checkImage({ bytes: photo, contentType: 'image/jpeg' }, 'a cat waves')).toEqual({
      allowed: true,
      source: 'gemini',
    });
    expect(await m.checkImage({ bytes: photo, contentType: 'image/jpeg' }, 'wave the knife')).toMatchObject({
      allowed: false,
      category: 'violence',
      source: 'gemini',
    });
    const parts = gemini.requests.at(-1)!.body!.contents![0]!.parts!;
    expect(Buffer.from(parts[0]!.inlineData!.data!, 'base64').equals(photo)).toBe(true);
    expect(parts[1]!.text).toBe('<prompt>wave the knife</prompt>');
  });

  it('Gemini down or hanging: cannot decide (refused), unless IMAGE_MODERATION=off', async () => {
    for (const mode of ['error500', 'hang', 'not_json'] as const) {
      gemini.mode = mode;
      await expect(
        createImageModerator(config(), 'auto')!.checkImage({ bytes: photo, contentType: 'image/jpeg' }, 'x'),
      ).rejects.toBeInstanceOf(ImageModerationUnavailable);
      expect(
        await createImageModerator(config(), 'off')!.checkImage({ bytes: photo, contentType: 'image/jpeg' }, 'x'),
      ).toMatchObject({ allowed: true });
    }
    gemini.mode = 'ok';
    // Off does not skip a Gemini that answers: its refusal stands.
    expect(
      await createImageModerator(config(), 'off')!.checkImage({ bytes: photo, contentType: 'image/jpeg' }, 'the knife'),
    ).toMatchObject({ allowed: false });
  }, 20_000);

  it('no Gemini key: no image moderator (photos refused), or unchecked photos when the operator opted out', async () => {
    expect(createImageModerator({ model: 'm', timeoutMs: 100 }, 'auto')).toBeUndefined();
    expect(
      await createImageModerator({ model: 'm', timeoutMs: 100 }, 'off')!.checkImage(
        { bytes: photo, contentType: 'image/jpeg' },
        'x',
      ),
    ).toEqual({ allowed: true, source: 'keyword', reason: 'image moderation off (operator)' });
  });
});
