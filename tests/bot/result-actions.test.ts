// The buttons under a delivered video, pressed through each real adapter with signed real-format payloads (LINE
// postback, Telegram callback_query, Discord component interaction) against the platform fakes: every action works,
// a button pressed twice makes one generation, each child is linked to its parent with its own consent and a
// receipt that shows what the action cost, and a button under someone else's video does nothing. ➕ Extend animates
// the clip's last frame as a photo (image moderation through Gemini's fake).
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, LINE_SECRET, type ChatWorld } from './support/world.ts';
import {
  discordCommand,
  lineText,
  postDiscord,
  postLine,
  postTelegram,
  tgButton,
  tgMessage,
} from './support/signed.ts';
import { EXTEND_MODIFIER, VARIATION_MODIFIERS } from '../../core/generation/actions.ts';
import { startGeminiFake, type GeminiFake } from '../fakes/gemini.ts';
import { runFfmpeg, runFfprobe } from '../../infra/media/binaries.ts';
import { imagePixels } from '../media/frames.ts';

let w: ChatWorld;
// Gemini's fake (allowing everything) classifies prompts and, for ➕ Extend, the last frame with its prompt.
let gemini: GeminiFake;
let tmp = '';
beforeAll(async () => {
  gemini = await startGeminiFake({ classify: async () => ({ allowed: true }) });
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-extend-'));
  w = await buildChatWorld({
    photos: true,
    env: { GEMINI_API_KEY: 'gemini-test-key', GEMINI_API_BASE: gemini.url, GEMINI_TIMEOUT_MS: '3000' },
  });
}, 90_000);
afterAll(async () => {
  await w?.close();
  await gemini?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** The last frame of a stored clip by ffmpeg's own count (frame N-1 of a full decode), as RGB pixels. */
async function referenceLastFrame(file: string): Promise<Buffer> {
  const { stdout } = await runFfprobe([
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=nb_read_frames',
    '-of',
    'csv=p=0',
    file,
  ]);
  const out = path.join(tmp, `${crypto.randomUUID()}.png`);
  await runFfmpeg([
    '-i',
    file,
    '-vf',
    `select=eq(n\\,${Number(stdout.trim()) - 1})`,
    '-fps_mode',
    'passthrough',
    '-frames:v',
    '1',
    out,
  ]);
  return imagePixels(out);
}
const meanDiff = (a: Buffer, b: Buffer) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i]! - b[i]!);
  return d / a.length;
};

type Button = { label: string; command: string };
type Out = { text: string; video: boolean; buttons: Button[] };

interface Driver {
  platform: 'line' | 'telegram' | 'discord';
  /** The owner and another user of the same platform. */
  ids: [string, string];
  say(text: string, who?: 0 | 1): Promise<void>;
  press(command: string, who?: 0 | 1): Promise<void>;
  /** What the owner was sent, in order: one entry per platform message (LINE: per reply or push). */
  outbox(who?: 0 | 1): Out[];
}

let lineSeq = 0;
function linePostback(userId: string, data: string) {
  const n = ++lineSeq;
  return {
    type: 'postback',
    mode: 'active',
    timestamp: Date.now(),
    source: { type: 'user', userId },
    webhookEventId: `01HPOSTBACK${String(n).padStart(15, '0')}`,
    deliveryContext: { isRedelivery: false },
    replyToken: `rt-pb-act-${n}`,
    postback: { data },
  };
}

function lineDriver(): Driver {
  const ids: [string, string] = ['Uactions0wner', 'Uactions0ther'];
  const tokens: [Set<string>, Set<string>] = [new Set(), new Set()];
  return {
    platform: 'line',
    ids,
    async say(text, who = 0) {
      const ev = lineText({ type: 'user', userId: ids[who] }, text);
      tokens[who].add(ev.replyToken);
      expect((await postLine(w, [ev])).statusCode).toBe(200);
    },
    async press(command, who = 0) {
      const ev = linePostback(ids[who], command);
      tokens[who].add(ev.replyToken);
      expect((await postLine(w, [ev])).statusCode).toBe(200);
    },
    outbox(who = 0) {
      return w.line.sent
        .filter((s) => (s.kind === 'push' ? s.to === ids[who] : tokens[who].has(s.replyToken!)))
        .map((s) => ({
          // A finished video's caption, receipt and buttons sit in the Flex bubble beside it (bot/line/result-bubble.ts).
          text: [
            ...w.line.texts(s),
            ...s.messages.flatMap((m: any) =>
              m.type === 'flex' ? m.contents.body.contents.map((c: any) => c.text) : [],
            ),
          ].join('\n'),
          video: s.messages.some((m) => m.type === 'video'),
          buttons: [
            ...s.messages.flatMap((m: any) => m.quickReply?.items ?? []).map((i: any) => i.action),
            ...s.messages
              .flatMap((m: any) => (m.type === 'flex' ? (m.contents.footer?.contents ?? []) : []))
              .map((b: any) => b.action),
          ].map((a: any) => ({ label: a.label, command: a.data ?? a.uri })),
        }));
    },
  };
}

function telegramDriver(): Driver {
  const ids: [string, string] = ['61001', '61002'];
  const chat = (who: 0 | 1) => ({ id: Number(ids[who]), type: 'private' as const });
  return {
    platform: 'telegram',
    ids,
    async say(text, who = 0) {
      expect((await postTelegram(w, tgMessage(Number(ids[who]), chat(who), text))).statusCode).toBe(200);
    },
    async press(command, who = 0) {
      expect((await postTelegram(w, tgButton(Number(ids[who]), chat(who), command))).statusCode).toBe(200);
    },
    outbox(who = 0) {
      return w.telegram.calls
        .filter(
          (c) =>
            ['sendMessage', 'sendVideo', 'editMessageText'].includes(c.method) && String(c.params.chat_id) === ids[who],
        )
        .map((c) => ({
          text: String(c.params.text ?? c.params.caption ?? ''),
          video: c.method === 'sendVideo',
          buttons: (c.params.reply_markup?.inline_keyboard ?? [])
            .flat()
            .map((b: any) => ({ label: b.text, command: b.callback_data ?? b.url })),
        }));
    },
  };
}

function discordDriver(): Driver {
  const ids: [string, string] = ['62001', '62002'];
  const tokens: [Set<string>, Set<string>] = [new Set(), new Set()];
  const post = async (who: 0 | 1, body: ReturnType<typeof discordCommand>) => {
    tokens[who].add(body.token);
    expect((await postDiscord(w, body)).statusCode).toBe(200);
  };
  return {
    platform: 'discord',
    ids,
    async say(text, who = 0) {
      const [name, ...rest] = text.replace(/^\//, '').split(' ');
      const body = discordCommand(ids[who], name!);
      // /video <prompt>: the slash command's one string option.
      if (rest.length) (body.data as any).options = [{ name: 'prompt', type: 3, value: rest.join(' ') }];
      await post(who, body);
    },
    async press(command, who = 0) {
      await post(who, discordCommand(ids[who], '', { custom: command }));
    },
    outbox(who = 0) {
      return [...w.discord.edits, ...w.discord.followups]
        .filter((e) => tokens[who].has(e.token))
        .map((e) => ({
          text: String(e.body.content ?? ''),
          video: e.files.length > 0 || String(e.body.content).includes('vidgo.test/gallery/'),
          buttons: (e.body.components ?? [])
            .flatMap((r: any) => r.components)
            .map((b: any) => ({ label: b.label, command: b.custom_id ?? b.url })),
        }));
    },
  };
}

const ACTION_LABELS = ['🔁 Retry', '✨ Variation', '➕ Extend', '🎨 Style', '⬆️ 4K'];

describe.each([
  ['LINE', lineDriver],
  ['Telegram', telegramDriver],
  ['Discord', discordDriver],
] as const)('result actions on %s', (_name, make) => {
  const p = make();
  let userId = '';
  let parentId = '';
  let buttons: Record<string, string> = {};
  const children = (action: string) =>
    w.q<{
      id: string;
      kind: string;
      prompt: string;
      status: string;
      seed: string | null;
      style: string | null;
      source_generation_id: string | null;
      points_cost: number;
    }>(
      `SELECT id, kind, prompt, status, seed, style, source_generation_id, points_cost FROM generations WHERE parent_id = $1 AND action = $2 ORDER BY created_at`,
      [parentId, action],
    );
  const lastVideo = (): Out => {
    const v = p
      .outbox()
      .filter((o) => o.video)
      .at(-1);
    expect(v).toBeDefined();
    return v!;
  };
  const actionButtons = (o: Out) =>
    Object.fromEntries(o.buttons.filter((b) => ACTION_LABELS.includes(b.label)).map((b) => [b.label, b.command]));
  /** Everything sent after `from`, as one text, with the consent button it carried (if any). */
  const after = (from: number) => {
    const outs = p.outbox().slice(from);
    return {
      text: outs.map((o) => o.text).join('\n'),
      outs,
      consent: outs.flatMap((o) => o.buttons).find((b) => /^\/consent \S+ points$/.test(b.command)),
    };
  };

  it('a delivered video carries the five buttons, each only an opaque id', async () => {
    await p.say('/help');
    userId = await w.userOf(p.platform, p.ids[0]);
    await w.subscribe(userId, 'pro');
    await w.ledger.credit(userId, 'purchased', 100, 'purchase', `test:${userId}:buy`);
    await p.say('/video a lighthouse in a storm');
    await w.runQueued();
    parentId = (
      await w.q<{ id: string }>(`SELECT id FROM generations WHERE user_id = $1 AND status = 'succeeded'`, [userId])
    )[0]!.id;
    const video = lastVideo();
    buttons = actionButtons(video);
    expect(Object.keys(buttons)).toEqual(ACTION_LABELS);
    for (const command of Object.values(buttons)) {
      expect(command).toMatch(/^\/act [A-Za-z0-9_-]{16}$/);
      expect(command).not.toContain(parentId.slice(0, 8));
    }
    expect(
      p
        .outbox()
        .map((o) => o.text)
        .join('\n'),
    ).toContain('Not charged · balance 100 pts');
  });

  it('🔁 Retry pressed twice makes one generation: same prompt, a new seed, linked to its parent, free on Pro at 720p', async () => {
    const from = p.outbox().length;
    const submitted = w.paid.leonardo.submissions.length;
    await p.press(buttons['🔁 Retry']!);
    await p.press(buttons['🔁 Retry']!);
    const made = await children('retry');
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ kind: 'video', prompt: 'a lighthouse in a storm' });
    expect(Number(made[0]!.seed)).toBeGreaterThan(0);
    expect(after(from).text).toMatch(/queue/i);
    await w.runQueued();
    expect((await children('retry'))[0]!.status).toBe('succeeded');
    // The provider was asked for exactly that seed, once.
    const sent = w.paid.leonardo.submissions.slice(submitted);
    expect(sent.map((s) => [s.prompt, s.seed])).toEqual([['a lighthouse in a storm', Number(made[0]!.seed)]]);
    // The child is delivered with its own buttons (new ids) and its own receipt.
    const child = lastVideo();
    expect(Object.keys(actionButtons(child))).toEqual(ACTION_LABELS);
    expect(actionButtons(child)['🔁 Retry']).not.toBe(buttons['🔁 Retry']);
    expect(after(from).text).toContain('Not charged · balance 100 pts');
  });

  it('✨ Variation adds a short modifier to the prompt and a new seed', async () => {
    await p.press(buttons['✨ Variation']!);
    const [v] = await children('variation');
    const modifier = v!.prompt.replace('a lighthouse in a storm, ', '');
    expect(VARIATION_MODIFIERS as readonly string[]).toContain(modifier);
    expect(Number(v!.seed)).toBeGreaterThan(0);
    await w.runQueued();
    expect((await children('variation'))[0]!.status).toBe('succeeded');
  });

  it("➕ Extend pressed twice makes one video from the clip's last frame (stored as a private photo): image moderation, its receipt", async () => {
    const from = p.outbox().length;
    const submitted = w.paid.leonardo.submissions.length;
    const judged = gemini.requests.length;
    await p.press(buttons['➕ Extend']!);
    await p.press(buttons['➕ Extend']!);
    const made = await w.q<{
      id: string;
      kind: string;
      prompt: string;
      status: string;
      source_image: { key: string; width: number; height: number };
    }>(`SELECT id, kind, prompt, status, source_image FROM generations WHERE parent_id = $1 AND action = 'extend'`, [
      parentId,
    ]);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      kind: 'image',
      prompt: `a lighthouse in a storm, ${EXTEND_MODIFIER}`,
      status: 'queued',
    });
    // The frame is kept as the user's photo is: a private key, a chat_photos row (so the retention purge deletes it).
    const frame = made[0]!.source_image;
    expect(frame.key).toMatch(new RegExp(`^private/photos/${userId}/[0-9a-f-]{36}\\.jpg$`));
    expect(await w.q(`SELECT user_id, width, height FROM chat_photos WHERE media_key = $1`, [frame.key])).toEqual([
      { user_id: userId, width: frame.width, height: frame.height },
    ]);
    // It is the parent clip's last frame.
    const [parent] = await w.q<{ master_key: string | null; media_key: string }>(
      `SELECT master_key, media_key FROM generations WHERE id = $1`,
      [parentId],
    );
    const clip = path.join(w.mediaRoot, parent!.master_key ?? parent!.media_key);
    const [ref, got] = await Promise.all([referenceLastFrame(clip), imagePixels(path.join(w.mediaRoot, frame.key))]);
    expect(got.length).toBe(ref.length);
    expect(meanDiff(got, ref)).toBeLessThan(3);
    // Image moderation saw that frame inline with the prompt, once (the second press took no frame).
    const images = gemini.requests
      .slice(judged)
      .filter((r) => r.body?.contents?.[0]?.parts?.some((part) => part.inlineData));
    expect(
      images.map((r) =>
        r.body!.contents![0]!.parts!.map((part) => (part.inlineData ? part.inlineData.mimeType : part.text)),
      ),
    ).toEqual([['image/jpeg', `<prompt>a lighthouse in a storm, ${EXTEND_MODIFIER}</prompt>`]]);
    expect(await w.q(`SELECT id FROM chat_photos WHERE user_id = $1`, [userId])).toHaveLength(1);
    expect(after(from).text).toMatch(/queue/i);

    await w.runQueued();
    expect(await w.q(`SELECT status FROM generations WHERE id = $1`, [made[0]!.id])).toEqual([{ status: 'succeeded' }]);
    // The provider was asked once, for image-to-video of exactly that frame.
    const sent = w.paid.leonardo.submissions.slice(submitted);
    expect(sent.map((r) => [r.kind, r.prompt])).toEqual([['image', `a lighthouse in a storm, ${EXTEND_MODIFIER}`]]);
    expect(
      Buffer.from(await sent[0]!.image!.bytes()).equals(await fs.readFile(path.join(w.mediaRoot, frame.key))),
    ).toBe(true);
    expect(sent[0]!.image!.url).toMatch(new RegExp(`/media/${frame.key}\\?exp=\\d+&sig=`)); // a signed, short-lived URL
    // Delivered with its own buttons and a receipt: image-to-video at 720p is free on Pro.
    expect(Object.keys(actionButtons(lastVideo()))).toEqual(ACTION_LABELS);
    expect(after(from).text).toContain('Not charged · balance 100 pts');
    expect((await w.ledger.balance(userId)).total).toBe(100);
  }, 60_000);

  it('🎨 Style opens the styles for this video; a pick asks consent and the receipt shows its 10 points', async () => {
    let from = p.outbox().length;
    await p.press(buttons['🎨 Style']!);
    const list = after(from).outs.flatMap((o) => o.buttons);
    expect(after(from).text).toContain('Pick a style for this video');
    const anime = list.find((b) => b.label === 'Anime');
    expect(anime?.command).toMatch(/^\/act [A-Za-z0-9_-]{16}$/);
    from = p.outbox().length;
    await p.press(anime!.command);
    const asked = after(from);
    expect(asked.text).toContain('This costs 10 points (balance 100)');
    expect(await children('style')).toMatchObject([
      { kind: 'style', style: 'anime', source_generation_id: parentId, status: 'awaiting_consent' },
    ]);
    await p.press(asked.consent!.command);
    await w.runQueued();
    expect(await children('style')).toMatchObject([{ status: 'succeeded', points_cost: 10 }]);
    expect(after(from).text).toContain('Charged 10 pts (purchased) · balance 90');
    expect(w.paid.goenhance.submissions.at(-1)).toMatchObject({ kind: 'style', style: 'anime' });
  });

  it('⬆️ 4K pressed twice asks once more but makes one upscale; the receipt shows its 15 points', async () => {
    const from = p.outbox().length;
    await p.press(buttons['⬆️ 4K']!);
    await p.press(buttons['⬆️ 4K']!);
    const made = await children('upscale');
    expect(made).toMatchObject([{ kind: 'upscale', source_generation_id: parentId, status: 'awaiting_consent' }]);
    const asked = after(from);
    expect(asked.text).toContain('This costs 15 points (balance 90)');
    await p.press(asked.consent!.command);
    await w.runQueued();
    expect(await children('upscale')).toMatchObject([{ status: 'succeeded', points_cost: 15 }]);
    expect(after(from).text).toContain('Charged 15 pts (purchased) · balance 75');
    expect((await w.ledger.balance(userId)).total).toBe(75);
    expect(w.paid.goenhance.submissions.at(-1)).toMatchObject({ kind: 'upscale', resolution: '4k' });
    // A 4K video offers no 4K button.
    expect(Object.keys(actionButtons(lastVideo()))).toEqual(ACTION_LABELS.slice(0, 4));
  });

  it('someone else pressing the owner\'s button (or a made-up id) gets "not available" and nothing is made', async () => {
    const count = (await w.q(`SELECT id FROM generations`)).length;
    await p.say('/help', 1);
    await p.press(buttons['🔁 Retry']!, 1);
    await p.press(`/act ${crypto.randomBytes(12).toString('base64url')}`, 1);
    await p.press('/act not-an-id', 1);
    const texts = p.outbox(1).map((o) => o.text);
    expect(texts.filter((t) => t.includes('That button is not available any more'))).toHaveLength(3);
    expect(await w.q(`SELECT id FROM generations`)).toHaveLength(count);
  });
});

describe('result buttons', () => {
  it('⬆️ 4K on a Starter plan (1080p at most) is refused by the tier rules with the plans link: nothing made or charged', async () => {
    const user = 61003;
    const chat = { id: user, type: 'private' as const };
    await postTelegram(w, tgMessage(user, chat, '/help'));
    const userId = await w.userOf('telegram', String(user));
    await w.subscribe(userId, 'starter');
    await w.ledger.credit(userId, 'purchased', 50, 'purchase', `test:${userId}:buy`);
    await postTelegram(w, tgMessage(user, chat, '/video a fox in the snow'));
    await w.runQueued();
    const video = w.telegram
      .of('sendVideo')
      .filter((c) => Number(c.params.chat_id) === user)
      .at(-1)!;
    const up = video.params.reply_markup.inline_keyboard.flat().find((b: any) => b.text === '⬆️ 4K')
      .callback_data as string;
    const before = w.telegram.calls.length;
    await postTelegram(w, tgButton(user, chat, up));
    const answer = w.telegram.calls
      .slice(before)
      .filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === user);
    expect(answer.map((c) => c.params.text).join('\n')).toContain("4k is above your plan's limit (1080p)");
    expect(
      answer
        .flatMap((c) => c.params.reply_markup?.inline_keyboard?.flat() ?? [])
        .map((b: any) => b.callback_data ?? b.url),
    ).toEqual([expect.stringMatching(/plans/)]);
    expect(await w.q(`SELECT id FROM generations WHERE user_id = $1 AND action IS NOT NULL`, [userId])).toHaveLength(0);
    expect((await w.ledger.balance(userId)).total).toBe(50);
  });

  it('two presses of one button arriving at the same time still make one generation', async () => {
    const owner = 'Uactions0wner';
    const last = w.line.sent
      .filter((s) => s.kind === 'push' && s.to === owner && s.messages.some((m) => m.type === 'video'))
      .at(-1)!;
    const variation = last.messages
      .flatMap((m: any) => (m.type === 'flex' ? m.contents.footer.contents : []))
      .find((b: any) => b.action.label === '✨ Variation').action.data as string;
    const [gen] = await w.q<{ id: string }>(
      `SELECT g.id FROM generations g JOIN result_actions a ON a.generation_id = g.id WHERE a.id = $1`,
      [variation.slice(5)],
    );
    await Promise.all([postLine(w, [linePostback(owner, variation)]), postLine(w, [linePostback(owner, variation)])]);
    expect(
      await w.q(`SELECT id FROM generations WHERE parent_id = $1 AND action = 'variation'`, [gen!.id]),
    ).toHaveLength(1);
  });

  it("a Telegram deep link /start a_<id> (the gallery's Remix) presses that button: once, however often opened", async () => {
    const owner = 61001;
    const chat = { id: owner, type: 'private' as const };
    const upscaled = (
      await w.q<{ id: string; source_generation_id: string }>(
        `SELECT g.id, g.source_generation_id FROM generations g JOIN chat_identities c ON c.user_id = g.user_id
       WHERE c.platform = 'telegram' AND c.platform_user_id = $1 AND g.action = 'upscale'`,
        [String(owner)],
      )
    )[0]!;
    const video = w.telegram
      .of('sendVideo')
      .filter((c) => Number(c.params.chat_id) === owner)
      .at(-1)!;
    const retry = video.params.reply_markup.inline_keyboard.flat().find((b: any) => b.text === '🔁 Retry')
      .callback_data as string;
    const id = retry.replace('/act ', '');
    await postTelegram(w, tgMessage(owner, chat, `/start a_${id}`));
    await postTelegram(w, tgMessage(owner, chat, `/start a_${id}`));
    // Retry of a 4K upscale is the same upscale of the same source again, asking consent for its points.
    expect(
      await w.q(
        `SELECT kind, source_generation_id, status FROM generations WHERE parent_id = $1 AND action = 'retry'`,
        [upscaled.id],
      ),
    ).toEqual([{ kind: 'upscale', source_generation_id: upscaled.source_generation_id, status: 'awaiting_consent' }]);
  });

  it("➕ Extend without Gemini (IMAGE_MODERATION not off) is refused with the photo path's reason: nothing made or charged", async () => {
    const plain = await buildChatWorld();
    try {
      const user = 61009;
      const chat = { id: user, type: 'private' as const };
      await postTelegram(plain, tgMessage(user, chat, '/help'));
      const userId = await plain.userOf('telegram', String(user));
      await plain.subscribe(userId, 'pro');
      await plain.ledger.credit(userId, 'purchased', 40, 'purchase', `test:${userId}:buy`);
      await postTelegram(plain, tgMessage(user, chat, '/video a kite over the dunes'));
      await plain.runQueued();
      const video = plain.telegram
        .of('sendVideo')
        .filter((c) => Number(c.params.chat_id) === user)
        .at(-1)!;
      const extend = video.params.reply_markup.inline_keyboard.flat().find((b: any) => b.text === '➕ Extend')
        .callback_data as string;
      const before = plain.telegram.calls.length;
      await postTelegram(plain, tgButton(user, chat, extend));
      const answer = plain.telegram.calls
        .slice(before)
        .filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === user);
      expect(answer.map((c) => c.params.text).join('\n')).toContain('Photos cannot be checked right now');
      expect(
        await plain.q(`SELECT id FROM generations WHERE user_id = $1 AND action IS NOT NULL`, [userId]),
      ).toHaveLength(0);
      expect((await plain.ledger.balance(userId)).total).toBe(40);
      expect(plain.paid.leonardo.submissions.filter((r) => r.kind === 'image')).toHaveLength(0);
    } finally {
      await plain.close();
    }
  }, 60_000);

  it('a signed LINE postback with a wrong signature is refused before anything runs', async () => {
    const body = JSON.stringify({
      destination: 'Ubot',
      events: [linePostback('Uactions0wner', '/act AAAAAAAAAAAAAAAA')],
    });
    const bad = crypto.createHmac('sha256', `${LINE_SECRET}x`).update(body).digest('base64');
    const res = await w.server.inject({
      method: 'POST',
      url: '/webhooks/line',
      payload: body,
      headers: { 'content-type': 'application/json', 'x-line-signature': bad },
    });
    expect(res.statusCode).toBe(401);
  });
});
