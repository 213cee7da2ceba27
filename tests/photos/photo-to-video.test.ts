// Photo → video through the real adapters: signed, real-format LINE, Telegram and Discord payloads carrying photos;
// the photos downloaded from the platform fakes, validated, stripped and stored privately; moderated by Gemini's fake
// with the image inline; animated by the real Leonardo / Runway clients against fakes that check the image-to-video
// request shapes; the finished video delivered back on the platform. A Starter user pays nothing at 720p.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { postDiscord, postLine, postTelegram } from '../bot/support/signed.ts';
import { DISCORD_APP } from '../bot/support/world.ts';
import { buildPhotoWorld, fetchInsecure, type PhotoWorld } from './support/photo-world.ts';
import type { Recorded } from '../fakes/http.ts';
import { exifOf, jpegWithGps, notAnImage, png, png30mb } from './support/images.ts';

let w: PhotoWorld;
beforeAll(async () => {
  w = await buildPhotoWorld();
}, 90_000);
afterAll(async () => w?.closeAll());

let n = 0;
const lineEvent = (userId: string, message: Record<string, unknown>) => {
  const i = ++n;
  return {
    type: 'message',
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    webhookEventId: `01HPHOTO${String(i).padStart(18, '0')}`,
    deliveryContext: { isRedelivery: false },
    replyToken: `rt-photo-${i}`,
    message: { id: `8800${i}`, quoteToken: `q${i}`, ...message },
  };
};
const lineImage = (userId: string, contentId: string) =>
  lineEvent(userId, { id: contentId, type: 'image', contentProvider: { type: 'line' } });
const lineText = (userId: string, text: string) => lineEvent(userId, { type: 'text', text });
const repliesTo = (token: string) =>
  w.line.sent.filter((s) => s.kind === 'reply' && s.replyToken === token).flatMap((s) => s.messages);

const tgPhoto = (
  userId: number,
  sizes: { id: string; w: number; h: number; size?: number }[],
  caption?: string,
  lang = 'en',
) => ({
  update_id: 880_000 + ++n,
  message: {
    message_id: n,
    date: Math.floor(Date.now() / 1000),
    chat: { id: userId, type: 'private', first_name: 'P' },
    from: { id: userId, is_bot: false, first_name: 'P', language_code: lang },
    photo: sizes.map((s) => ({
      file_id: s.id,
      file_unique_id: `u${s.id}`,
      width: s.w,
      height: s.h,
      ...(s.size ? { file_size: s.size } : {}),
    })),
    ...(caption ? { caption } : {}),
  },
});
const tgDocument = (userId: number, fileId: string, name: string, mime: string, size: number, lang = 'en') => ({
  update_id: 880_000 + ++n,
  message: {
    message_id: n,
    date: Math.floor(Date.now() / 1000),
    chat: { id: userId, type: 'private', first_name: 'P' },
    from: { id: userId, is_bot: false, first_name: 'P', language_code: lang },
    document: { file_id: fileId, file_unique_id: `u${fileId}`, file_name: name, mime_type: mime, file_size: size },
  },
});
/** The /start a Telegram user sends first. */
const tgStart = (chat: number, lang?: string) => ({
  update_id: 880_000 + ++n,
  message: {
    message_id: ++n,
    date: 1,
    chat: { id: chat, type: 'private' },
    from: { id: chat, is_bot: false, first_name: 'P', ...(lang ? { language_code: lang } : {}) },
    text: '/start',
  },
});
const tgTexts = (chat: number) =>
  w.telegram
    .of('sendMessage')
    .filter((c) => Number(c.params.chat_id) === chat)
    .map((c) => String(c.params.text));

function discordInteraction(userId: string, data: Record<string, unknown>) {
  const i = ++n;
  return {
    id: `44${String(i).padStart(16, '0')}`,
    application_id: DISCORD_APP,
    type: 2,
    token: `itok-photo-${i}-${'y'.repeat(40)}`,
    version: 1,
    locale: 'en-US',
    channel_id: `9${userId}`,
    app_permissions: '0',
    attachment_size_limit: 10 * 1024 * 1024,
    user: { id: userId, username: `u${userId}`, global_name: null, discriminator: '0', avatar: null },
    data,
  };
}
function discordAttachment(id: string, bytes: Buffer, type: string, width: number, height: number) {
  const key = `9/${id}/photo.${type.split('/')[1]}`;
  w.discord.attachments.set(key, { bytes, contentType: type });
  const url = `${w.discord.url}/attachments/${key}`;
  return {
    id,
    filename: `photo.${type.split('/')[1]}`,
    size: bytes.length,
    url,
    proxy_url: url,
    content_type: type,
    width,
    height,
  };
}

async function starter(platform: string, platformUserId: string) {
  const userId = await w.userOf(platform, platformUserId);
  await w.subscribe(userId, 'starter');
  return userId;
}
const generationsOf = (userId: string) =>
  w.q(
    `SELECT kind, status, provider, points_cost, prompt, reservation_id, source_image FROM generations WHERE user_id = $1 ORDER BY created_at`,
    [userId],
  );
const posts = (fake: { requests: Recorded[] }, path: string) =>
  fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(path));

describe('a photo becomes a video', () => {
  it('LINE: an image message, then a follow-up text as its motion → one video from Leonardo, free on Starter, no EXIF/GPS sent', async () => {
    await postLine(w, [lineText('Uphoto1', '/help')]);
    const userId = await starter('line', 'Uphoto1');
    w.line.contents.set('img-1', { bytes: await jpegWithGps(640, 480, 6), contentType: 'image/jpeg' });

    const photo = lineImage('Uphoto1', 'img-1');
    expect((await postLine(w, [photo])).statusCode).toBe(200);
    const [asked] = repliesTo(photo.replyToken);
    expect(asked.text).toMatch(/Photo received\. How should it move\?/);
    expect(asked.quickReply.items.map((i: any) => i.action.label)).toContain('Animate now');
    expect(await generationsOf(userId)).toHaveLength(0);

    const motion = lineText('Uphoto1', 'waves roll in slowly');
    await postLine(w, [motion]);
    expect(
      repliesTo(motion.replyToken)
        .map((m) => m.text)
        .join(' '),
    ).toMatch(/Queued/);
    await w.runQueued();

    const video = w.line.sent
      .filter((s) => s.kind === 'push' && s.to === 'Uphoto1')
      .flatMap((s) => s.messages)
      .find((m) => m.type === 'video');
    expect(video?.originalContentUrl).toMatch(/^https:\/\//);
    const gens = await generationsOf(userId);
    expect(gens).toHaveLength(1);
    expect(gens[0]).toMatchObject({
      kind: 'image',
      status: 'succeeded',
      provider: 'leonardo',
      points_cost: 0,
      prompt: 'waves roll in slowly',
      reservation_id: null,
    });
    expect(gens[0]!.source_image.key).toMatch(/^private\/photos\//);

    // Leonardo got the init-image upload (the S3 form) and then the SDK-shaped image-to-video request.
    const leo = w.fakes.leonardo;
    const [job] = posts(leo, '/generations-image-to-video');
    expect(job!.body).toEqual({
      imageId: expect.stringMatching(/^init-/),
      imageType: 'UPLOADED',
      prompt: 'waves roll in slowly',
      model: 'MOTION2',
      resolution: 'RESOLUTION_720',
      isPublic: false,
    });
    const uploaded = leo.initImages.byId.get((job!.body as { imageId: string }).imageId)!;
    expect(uploaded.contentType).toBe('image/jpeg');
    // Orientation applied (640×480 shown rotated → 480×640), and no EXIF at all: the GPS position is gone.
    expect(await exifOf(uploaded.bytes!)).toEqual({
      exif: false,
      gpsText: false,
      orientation: undefined,
      width: 480,
      height: 640,
    });
    // Gemini saw the photo inline with the motion prompt.
    const judged = w.fakes.gemini.requests.find((r) => r.body?.contents?.[0]?.parts?.some((p) => p.inlineData));
    expect(judged!.body!.contents![0]!.parts!.map((p) => (p.inlineData ? p.inlineData.mimeType : p.text))).toEqual([
      'image/jpeg',
      '<prompt>waves roll in slowly</prompt>',
    ]);
    expect((await w.ledger.balance(userId)).total).toBe(0);
  }, 60_000);

  it('Telegram: the largest size of a photo with a caption → Runway when Leonardo is down; ratio from the photo, no GPS in what Runway fetches', async () => {
    await postTelegram(w, tgStart(4101));
    const userId = await starter('telegram', '4101');
    w.telegram.files.set('small-1', await png(90, 120));
    w.telegram.files.set('big-1', await jpegWithGps(900, 1200));
    await w.setDown('leonardo');
    const leoJobs = posts(w.fakes.leonardo, '/generations-image-to-video').length;
    try {
      await postTelegram(
        w,
        tgPhoto(
          4101,
          [
            { id: 'small-1', w: 90, h: 120 },
            { id: 'big-1', w: 900, h: 1200 },
          ],
          'the cat turns its head',
        ),
      );
      expect(tgTexts(4101).join(' ')).toMatch(/Queued/);
      await w.runQueued();
    } finally {
      await w.setUp('leonardo');
    }
    expect(w.telegram.of('getFile').map((c) => c.params.file_id)).toEqual(['big-1']);
    expect(w.telegram.of('sendVideo').filter((c) => Number(c.params.chat_id) === 4101)).toHaveLength(1);
    const gens = await generationsOf(userId);
    expect(gens).toHaveLength(1);
    expect(gens[0]).toMatchObject({
      kind: 'image',
      status: 'succeeded',
      provider: 'runway',
      points_cost: 0,
      prompt: 'the cat turns its head',
    });
    expect(posts(w.fakes.leonardo, '/generations-image-to-video')).toHaveLength(leoJobs);

    const [job] = posts(w.fakes.runway, '/v1/image_to_video');
    // A portrait 3:4 photo: gen4.5's nearest ratio is 832:1104.
    expect(job!.body).toEqual({
      model: 'gen4.5',
      promptImage: expect.stringMatching(/^https:\/\//),
      promptText: 'the cat turns its head',
      ratio: '832:1104',
      duration: 5,
    });
    const received = w.fakes.runway.images.received.at(-1)!;
    expect(received.via).toBe('url');
    // A signed link to the private key, not a public one.
    expect(received.url).toMatch(/\/media\/private\/photos\/.+\.jpg\?/);
    expect(await exifOf(await fetchInsecure(received.url!))).toMatchObject({
      exif: false,
      gpsText: false,
      width: 900,
      height: 1200,
    });
  }, 60_000);

  it('Discord: /video with an image attachment → Leonardo; the message command "Animate" uses the message text as the motion', async () => {
    const photo = discordAttachment('a-1', await png(800, 450), 'image/png', 800, 450);
    await postDiscord(w, discordInteraction('6101', { id: '77', name: 'help', type: 1 }));
    const userId = await starter('discord', '6101');
    const i = discordInteraction('6101', {
      id: '77',
      name: 'video',
      type: 1,
      options: [
        { name: 'prompt', type: 3, value: 'clouds drift by' },
        { name: 'image', type: 11, value: 'a-1' },
      ],
      resolved: { attachments: { 'a-1': photo } },
    });
    expect((await postDiscord(w, i)).statusCode).toBe(200);
    await w.runQueued();
    const edits = w.discord.edits.filter((e) => e.token === i.token);
    expect(edits.some((e) => e.files.length > 0 || /\.mp4/.test(JSON.stringify(e.body)))).toBe(true);
    const gens = await generationsOf(userId);
    expect(gens).toHaveLength(1);
    expect(gens[0]).toMatchObject({
      kind: 'image',
      status: 'succeeded',
      provider: 'leonardo',
      points_cost: 0,
      prompt: 'clouds drift by',
    });
    expect(gens[0]!.source_image).toMatchObject({ width: 800, height: 450 });

    const message = {
      id: 'm-1',
      channel_id: '96101',
      content: 'make it snow',
      attachments: [discordAttachment('a-2', await png(600, 600), 'image/png', 600, 600)],
      author: { id: '6101', username: 'u6101', discriminator: '0', avatar: null, global_name: null },
      timestamp: new Date().toISOString(),
    };
    const animate = discordInteraction('6101', {
      id: '78',
      name: 'Animate',
      type: 3,
      target_id: 'm-1',
      resolved: { messages: { 'm-1': message } },
    });
    await postDiscord(w, animate);
    await w.runQueued();
    const after = await generationsOf(userId);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ kind: 'image', status: 'succeeded', prompt: 'make it snow' });
    expect(after[1]!.source_image).toMatchObject({ width: 600, height: 600 });
  }, 60_000);
});

describe('the text video rules for money', () => {
  it('Leonardo and Runway down: Pollo in points only after consent, charged the plan price once (Starter, 720p)', async () => {
    await postTelegram(w, tgStart(4707));
    const userId = await starter('telegram', '4707');
    await w.ledger.credit(userId, 'purchased', 20, 'test top-up', `photo-topup-${userId}`);
    w.telegram.files.set('pollo-1', await jpegWithGps(640, 360));
    const polloPosts = () => w.fakes.pollo.requests.filter((r) => r.method === 'POST').length;
    const before = polloPosts();
    await w.setDown('leonardo', 'runway');
    try {
      await postTelegram(w, tgPhoto(4707, [{ id: 'pollo-1', w: 640, h: 360 }], 'lanterns float up'));
      const [gen] = await w.q(`SELECT id, status FROM generations WHERE user_id = $1`, [userId]);
      expect(gen!.status).toBe('awaiting_consent');
      const question = w.telegram
        .of('sendMessage')
        .filter((c) => Number(c.params.chat_id) === 4707)
        .at(-1)!;
      const buttons = question.params.reply_markup.inline_keyboard.flat().map((b: any) => b.callback_data);
      expect(buttons).toEqual([`/consent ${gen!.id} points`, `/consent ${gen!.id} wait`, `/consent ${gen!.id} cancel`]);
      expect(polloPosts()).toBe(before); // nothing started (nor held) before the answer
      expect((await w.ledger.balance(userId)).total).toBe(20);
      await postTelegram(w, {
        update_id: 880_000 + ++n,
        callback_query: {
          id: `cb-p-${n}`,
          chat_instance: 'ci',
          data: `/consent ${gen!.id} points`,
          from: { id: 4707, is_bot: false, first_name: 'P' },
          message: { message_id: 1, date: 1, chat: { id: 4707, type: 'private' } },
        },
      });
      await w.runQueued();
    } finally {
      await w.setUp('leonardo', 'runway');
    }
    const [done] = await generationsOf(userId);
    expect(done).toMatchObject({ kind: 'image', status: 'succeeded', provider: 'pollo', points_cost: 5 });
    const submit = w.fakes.pollo.requests.filter((r) => r.method === 'POST').at(-1)!;
    expect((submit.body as { input: Record<string, unknown> }).input).toMatchObject({
      image: expect.stringMatching(/^https:\/\/.+\/media\/private\/photos\//),
      prompt: 'lanterns float up',
    });
    expect((await w.ledger.balance(userId)).total).toBe(15);
  }, 60_000);
});

describe('a Demo user', () => {
  it('gets the photo animated by the local renderer only: watermarked, labelled local, no paid provider called', async () => {
    await postTelegram(w, tgStart(4505));
    const userId = await w.userOf('telegram', '4505');
    const before = [w.fakes.leonardo, w.fakes.runway, w.fakes.pollo].map((f) => f.requests.length);
    w.telegram.files.set('demo-1', await jpegWithGps(480, 320));
    await postTelegram(w, tgPhoto(4505, [{ id: 'demo-1', w: 480, h: 320 }], 'a breeze'));
    await w.runQueued();
    const [gen] = await w.q(
      `SELECT kind, status, provider, points_cost, watermarked FROM generations WHERE user_id = $1`,
      [userId],
    );
    expect(gen).toEqual({ kind: 'image', status: 'succeeded', provider: 'local', points_cost: 0, watermarked: true });
    const [sent] = w.telegram.of('sendVideo').filter((c) => Number(c.params.chat_id) === 4505);
    expect(String(sent!.params.caption)).toMatch(/local preview/i);
    expect([w.fakes.leonardo, w.fakes.runway, w.fakes.pollo].map((f) => f.requests.length)).toEqual(before);
  }, 60_000);
});

describe('photos that are refused, and nothing is charged', () => {
  it('a non-image renamed .jpg and a 10,000 px image (Telegram, Japanese), and a 30 MB image (LINE) get localized reasons', async () => {
    await postTelegram(w, tgStart(4202, 'ja'));
    const tgUser = await starter('telegram', '4202');
    await postLine(w, [lineText('Uphoto2', '/help')]);
    const lineUser = await starter('line', 'Uphoto2');
    const requestsBefore = [w.fakes.leonardo, w.fakes.runway, w.fakes.pollo].map((f) => f.requests.length);
    const geminiBefore = w.fakes.gemini.requests.length;

    const fake = notAnImage();
    w.telegram.files.set('doc-1', fake);
    await postTelegram(w, tgDocument(4202, 'doc-1', 'photo.jpg', 'image/jpeg', fake.length, 'ja'));
    const wide = await png(10_000, 100);
    w.telegram.files.set('wide-1', wide);
    await postTelegram(w, tgPhoto(4202, [{ id: 'wide-1', w: 10_000, h: 100, size: wide.length }], '動かして', 'ja'));
    expect(tgTexts(4202).slice(-2)).toEqual([
      'そのファイルは読み取れる写真ではありません。JPEG、PNG、WebP の画像を送ってください。',
      '写真の解像度が大きすぎます。縦横それぞれ 4,096 ピクセル以下の写真を送ってください。',
    ]);

    const huge = await png30mb();
    expect(huge.length).toBeGreaterThan(30_000_000);
    w.line.contents.set('img-huge', { bytes: huge, contentType: 'image/png' });
    const big = lineImage('Uphoto2', 'img-huge');
    await postLine(w, [big]);
    expect(repliesTo(big.replyToken).map((m) => m.text)).toEqual([
      'That photo is too large. Please send one of at most 10 MB.',
    ]);

    for (const u of [tgUser, lineUser]) {
      expect(await generationsOf(u)).toHaveLength(0);
      expect(await w.q(`SELECT 1 FROM point_ledger WHERE user_id = $1 AND amount < 0`, [u])).toHaveLength(0);
      expect(await w.q(`SELECT 1 FROM chat_photos WHERE user_id = $1`, [u])).toHaveLength(0);
    }
    expect([w.fakes.leonardo, w.fakes.runway, w.fakes.pollo].map((f) => f.requests.length)).toEqual(requestsBefore);
    expect(w.fakes.gemini.requests.length).toBe(geminiBefore);
  }, 60_000);

  it('a flagged photo is refused with the category reason, recorded as a strike, and can be appealed', async () => {
    await postTelegram(w, tgStart(4303));
    const userId = await starter('telegram', '4303');
    w.telegram.files.set(
      'red-1',
      await sharp({ create: { width: 400, height: 300, channels: 3, background: '#ff0000' } })
        .jpeg()
        .toBuffer(),
    );
    await postTelegram(w, tgPhoto(4303, [{ id: 'red-1', w: 400, h: 300 }], 'a tomato rolls'));
    const [refusal] = w.telegram
      .of('sendMessage')
      .filter((c) => Number(c.params.chat_id) === 4303)
      .slice(-1);
    expect(refusal!.params.reply_markup.inline_keyboard.flat().map((b: any) => b.callback_data)).toContain('/appeal');
    expect(await generationsOf(userId)).toHaveLength(0);
    const [event] = await w.q(
      `SELECT verdict, category, source, text, appeal_status FROM moderation_events WHERE user_id = $1 AND verdict = 'blocked'`,
      [userId],
    );
    expect(event).toMatchObject({ verdict: 'blocked', category: 'sexual', source: 'gemini', appeal_status: 'none' });
    expect(event!.text).toMatch(/^\[photo private\/photos\/.+\.jpg\] a tomato rolls$/);
    expect(await w.policy.strikes(userId)).toBe(1);

    await postTelegram(w, {
      update_id: 880_000 + ++n,
      message: {
        message_id: ++n,
        date: 1,
        chat: { id: 4303, type: 'private' },
        from: { id: 4303, is_bot: false, first_name: 'P' },
        text: '/appeal it is a tomato',
      },
    });
    const [appealed] = await w.q(
      `SELECT appeal_status, appeal_text FROM moderation_events WHERE user_id = $1 AND verdict = 'blocked'`,
      [userId],
    );
    expect(appealed).toEqual({ appeal_status: 'pending', appeal_text: 'it is a tomato' });
  }, 60_000);

  it('Gemini down: the photo is refused as "cannot be checked", with no strike and nothing charged', async () => {
    await postTelegram(w, tgStart(4404));
    const userId = await starter('telegram', '4404');
    w.telegram.files.set('ok-1', await jpegWithGps(320, 240));
    w.fakes.gemini.mode = 'error500';
    try {
      await postTelegram(w, tgPhoto(4404, [{ id: 'ok-1', w: 320, h: 240 }], 'leaves fall'));
    } finally {
      w.fakes.gemini.mode = 'ok';
    }
    expect(tgTexts(4404).at(-1)).toBe(
      'Photos cannot be checked right now, so I cannot animate them. Please try again later, or send a text prompt instead.',
    );
    expect(await generationsOf(userId)).toHaveLength(0);
    expect(await w.policy.strikes(userId)).toBe(0);
  }, 60_000);
});

describe('where photos are not taken', () => {
  it('a photo with a caption gets the "unsupported" help, not a video of its caption', async () => {
    const { buildChatWorld } = await import('../bot/support/world.ts');
    const plain = await buildChatWorld();
    try {
      const update = tgPhoto(4606, [{ id: 'x', w: 10, h: 10 }], 'a cat surfing');
      await plain.server.inject({
        method: 'POST',
        url: '/webhooks/telegram',
        payload: JSON.stringify(update),
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': plain.config.telegram!.webhookSecret!,
        },
      });
      await plain.bot.background.idle();
      expect(plain.telegram.of('sendMessage').map((c) => c.params.text)).toEqual([
        'I can only read text. Send a prompt describing your video, or /help.',
      ]);
      expect(await plain.q(`SELECT 1 FROM generations`)).toHaveLength(0);
    } finally {
      await plain.close();
    }
  }, 60_000);
});
