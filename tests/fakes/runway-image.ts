// The request check of the fake Runway's POST /v1/image_to_video, against the official SDK's types
// (@runwayml/sdk resources/image-to-video.ts ImageToVideoCreateParams): the models we use with their ratios and
// durations, typed as the SDK's own unions so a change there fails the type check; promptImage an https URL or a
// data URI (the API's two accepted forms), promptText a string of at most 1000 characters; anything else is a 400.
import type { ImageToVideoCreateParams } from '@runwayml/sdk/resources/image-to-video';
import type { FakeReply, Recorded } from './http.ts';

type Gen45 = ImageToVideoCreateParams.Gen4_5;
type Veo31Fast = ImageToVideoCreateParams.Veo3_1Fast;

const GEN45_RATIOS: Gen45['ratio'][] = ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'];
const VEO_RATIOS: Veo31Fast['ratio'][] = ['1280:720', '720:1280', '1080:1920', '1920:1080'];
const VEO_DURATIONS: NonNullable<Veo31Fast['duration']>[] = [4, 6, 8];
const KEYS: Record<string, (keyof Gen45 | keyof Veo31Fast)[]> = {
  'gen4.5': ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'seed', 'contentModeration'],
  'veo3.1_fast': ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'seed'],
};

const bad = (error: string): FakeReply => ({ status: 400, body: { error, issues: [{ message: error }] } });

/** Decoded data URI images the fake received, and https ones (by URL), in order. */
export interface RunwayImages {
  received: { via: 'url' | 'data'; url?: string; bytes?: Buffer; contentType?: string }[];
}

export function runwayImageCheck(): {
  images: RunwayImages;
  check(path: string, req: Recorded): FakeReply | undefined;
} {
  const images: RunwayImages = { received: [] };
  return {
    images,
    check(path, req) {
      if (path !== '/v1/image_to_video') return undefined;
      const b = req.body as Partial<Gen45> & Partial<Veo31Fast> & Record<string, unknown>;
      if (!b || typeof b !== 'object') return bad('body must be a JSON object');
      const allowed = KEYS[String(b.model)];
      if (!allowed) return bad(`model ${String(b.model)} is not one we send`);
      const unknown = Object.keys(b).filter((k) => !(allowed as string[]).includes(k));
      if (unknown.length) return bad(`unknown field(s): ${unknown.join(', ')}`);
      if (typeof b.promptText !== 'string' || b.promptText.length > 1000)
        return bad('promptText: a string of at most 1000 characters');
      if (b.model === 'gen4.5') {
        if (!GEN45_RATIOS.includes(b.ratio as Gen45['ratio']))
          return bad(`ratio ${String(b.ratio)} not allowed for gen4.5`);
        if (!Number.isInteger(b.duration) || b.duration! < 2 || b.duration! > 10)
          return bad('duration: integer 2-10 for gen4.5');
      } else {
        if (!VEO_RATIOS.includes(b.ratio as Veo31Fast['ratio']))
          return bad(`ratio ${String(b.ratio)} not allowed for veo3.1_fast`);
        if (b.duration !== undefined && !VEO_DURATIONS.includes(b.duration as 4))
          return bad('duration: 4, 6 or 8 for veo3.1_fast');
      }
      const img = b.promptImage;
      if (typeof img !== 'string') return bad('promptImage: an https URL or a data URI');
      const data = /^data:(image\/(?:jpeg|png|webp));base64,([A-Za-z0-9+/=]+)$/.exec(img);
      if (data) images.received.push({ via: 'data', contentType: data[1], bytes: Buffer.from(data[2]!, 'base64') });
      else if (img.startsWith('https://')) images.received.push({ via: 'url', url: img });
      else return bad('promptImage: an https URL or a data URI');
      return undefined;
    },
  };
}
