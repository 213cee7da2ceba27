// Platform renderers, size rules and rate limits, without a database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator, type Translator } from '../../infra/i18n.ts';
import type { Reply } from '../../core/model.ts';
import { renderLine } from '../../bot/line/render.ts';
import { renderTelegram } from '../../bot/telegram/render.ts';
import { renderDiscord } from '../../bot/discord/render.ts';
import { createRateLimits } from '../../infra/state/rate-limiter.ts';
import { createTestRedis } from '../helpers/redis.ts';

let t: Translator;
let file: string;
beforeAll(async () => {
  t = await createTranslator();
  file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-render-')), 'v.mp4');
  fs.writeFileSync(file, crypto.randomBytes(2048));
});
afterAll(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));

const video = (over: Partial<Extract<Reply, { kind: 'video' }>> = {}): Reply => ({
  kind: 'video',
  generationId: '0123456789abcdef',
  videoUrl: 'https://cdn.test/v.mp4',
  previewUrl: 'https://cdn.test/v.jpg',
  sizeBytes: 1000,
  caption: { key: 'bot.video.open' },
  galleryUrl: 'https://vidgo.test/gallery/1',
  ...over,
});
const MB = 1024 * 1024;

describe('LINE rendering', () => {
  it('sends at most five messages and puts every choice on the last one as quick replies', () => {
    const replies: Reply[] = Array.from({ length: 7 }, (_, i) => ({
      kind: 'text',
      message: { key: 'bot.broadcast', params: { text: `m${i}` } },
    }));
    replies.push({
      kind: 'text',
      message: { key: 'bot.help' },
      choices: [{ label: { key: 'bot.choice.autopay_off' }, command: '/settings autopay off' }],
    });
    const out = renderLine(t, 'es', replies);
    expect(out).toHaveLength(5);
    expect((out[4] as { text: string }).text).toContain('📢 m4');
    const item = out[4]!.quickReply!.items![0]!.action as unknown as { label: string; data: string };
    expect(item.data).toBe('/settings autopay off');
    expect(item.label.length).toBeLessThanOrEqual(20); // "Desactivar pago automático" is cut to LINE's limit
  });

  it('an http (non-https) video becomes a link, since LINE only fetches https', () => {
    const out = renderLine(t, 'en', [
      video({ videoUrl: 'http://localhost:3000/media/v.mp4', previewUrl: 'http://localhost:3000/media/v.jpg' }),
    ]);
    expect(out.map((m) => m.type)).toEqual(['text']);
    expect((out[0] as { text: string }).text).toContain('http://localhost:3000/media/v.mp4');
  });
});

describe('Telegram rendering', () => {
  it('by URL up to 20 MB, uploaded up to 50 MB when on disk, else a link', () => {
    expect(renderTelegram(t, 'en', [video({ sizeBytes: 19 * MB })])[0]).toMatchObject({
      method: 'video',
      url: 'https://cdn.test/v.mp4',
    });
    expect(renderTelegram(t, 'en', [video({ sizeBytes: 30 * MB, localPath: file })])[0]).toMatchObject({
      method: 'video',
      file,
    });
    const big = renderTelegram(t, 'en', [video({ sizeBytes: 60 * MB, localPath: file })])[0]!;
    expect(big).toMatchObject({ method: 'text' });
    expect((big as { text: string }).text).toContain('Your video is ready: https://cdn.test/v.mp4');
  });

  it('localhost URLs cannot be buttons on Telegram: they go in the text', () => {
    const [m] = renderTelegram(t, 'en', [
      {
        kind: 'link',
        message: { key: 'bot.plans.text' },
        url: 'http://localhost:3000/auth/link?token=x',
        label: { key: 'bot.plans.button' },
      },
    ]);
    expect(m).toMatchObject({ method: 'text', markup: undefined });
    expect((m as { text: string }).text).toContain('http://localhost:3000/auth/link?token=x');
  });
});

describe('Discord rendering', () => {
  it('attaches a video on disk under the upload limit, links a larger one', async () => {
    const small = await renderDiscord(t, 'en', [video({ sizeBytes: 2048, localPath: file })]);
    expect(small.files.map((f) => [f.name, f.data.length])).toEqual([['vidgo-01234567.mp4', 2048]]);
    const large = await renderDiscord(t, 'en', [video({ sizeBytes: 11 * MB, localPath: file })]);
    expect(large.files).toEqual([]);
    expect(large.body.content).toContain('Your video is ready: https://cdn.test/v.mp4');
  });
});

describe('rate limits', () => {
  it('per key, in Redis, shared by two limiter instances', async () => {
    const r = createTestRedis();
    try {
      await r.redis.ping(); // connected: while Redis is not ready each limiter counts in its own process (degraded)
      const a = createRateLimits({ chatPerMinute: 3, ipPerMinute: 2, redis: r.redis, prefix: r.prefix });
      const b = createRateLimits({ chatPerMinute: 3, ipPerMinute: 2, redis: r.redis, prefix: r.prefix });
      const got = [
        await a.chat.consume('u1'),
        await b.chat.consume('u1'),
        await a.chat.consume('u1'),
        await b.chat.consume('u1'),
      ];
      expect(got).toEqual([true, true, true, false]);
      expect(await a.chat.consume('u2')).toBe(true);
    } finally {
      await r.close();
    }
  });
});
