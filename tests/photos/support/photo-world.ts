// The chat world for photos: the real adapters and routes (tests/bot/support/world.ts) with photos taken, the real
// Leonardo, Runway and Pollo clients pointed at their fakes (which check the image-to-video request shapes), and
// Gemini's fake classifying text and inline images: a mostly red photo is "sexual", everything else is allowed.
import fs from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { buildChatWorld } from '../../bot/support/world.ts';
import { startLeonardoFake } from '../../fakes/leonardo.ts';
import { startRunwayFake } from '../../fakes/runway.ts';
import { startPolloFake } from '../../fakes/pollo.ts';
import { startGeminiFake, type GeminiFakeImage } from '../../fakes/gemini.ts';
import { createLeonardo } from '../../../infra/providers/leonardo.ts';
import { createRunway } from '../../../infra/providers/runway.ts';
import { createPollo } from '../../../infra/providers/pollo.ts';
import { createLocalRenderer } from '../../../infra/providers/local.ts';
import { renderSampleUrl } from '../../core/support/sample-video.ts';

/** The test stand-in for a classifier's judgement: a photo whose pixels are mostly pure red. */
export async function looksFlagged(images: GeminiFakeImage[]): Promise<boolean> {
  for (const img of images) {
    const { channels } = await sharp(img.bytes).stats();
    if (channels[0]!.mean > 200 && channels[1]!.mean < 40 && channels[2]!.mean < 40) return true;
  }
  return false;
}

export async function buildPhotoWorld(env: Record<string, string> = {}) {
  const [leonardo, runway, pollo, gemini] = await Promise.all([
    startLeonardoFake('leo-key'),
    startRunwayFake('rw-key'),
    startPolloFake('pollo-key'),
    startGeminiFake({
      classify: async (_text, images) =>
        (await looksFlagged(images))
          ? { allowed: false, category: 'sexual', reason: 'explicit photo' }
          : { allowed: true },
    }),
  ]);
  // The providers' result is a real MP4 (the media pipeline probes and transcodes it).
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-photo-sample-'));
  const sample = await fs.readFile(
    fileURLToPath(
      await renderSampleUrl(createLocalRenderer('local', { dir, durationSeconds: 1, width: 320, height: 180 })),
    ),
  );
  for (const f of [leonardo, runway, pollo]) f.files.set('result.mp4', sample);
  const http = { requestTimeoutMs: 3_000, backoffMs: 5, retries: 1 };
  const w = await buildChatWorld({
    photos: true,
    env: { GEMINI_API_KEY: 'gemini-test-key', GEMINI_API_BASE: gemini.url, GEMINI_TIMEOUT_MS: '3000', ...env },
    providers: {
      leonardo: createLeonardo({ apiKey: 'leo-key', baseUrl: leonardo.url, http }),
      runway: createRunway({ apiKey: 'rw-key', baseUrl: runway.url, http }),
      pollo: createPollo({ apiKey: 'pollo-key', baseUrl: pollo.url, http }),
    },
  });
  return Object.assign(w, {
    fakes: { leonardo, runway, pollo, gemini },
    async closeAll() {
      await w.close();
      await Promise.all([leonardo.close(), runway.close(), pollo.close(), gemini.close()]);
      await fs.rm(dir, { recursive: true, force: true });
    },
  });
}
export type PhotoWorld = Awaited<ReturnType<typeof buildPhotoWorld>>;

/** GETs a URL of the world's self-signed https media server. */
export function fetchInsecure(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}
