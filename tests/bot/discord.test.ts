// Discord end to end: Ed25519-signed interactions through hapi → deferred reply → real core → discord.js REST
// editing @original on the fake Discord API (progress, then the video attached as a file).
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, DISCORD_APP, type ChatWorld } from './support/world.ts';
import { discordCommand, postDiscord } from './support/signed.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld({ tlsMedia: false });
}, 60_000);
afterAll(async () => w?.close());

let seq = 0;
function command(userId: string, name: string, options: { name: string; value: string }[] = [], locale = 'en-US') {
  const n = ++seq;
  return {
    id: `12${String(n).padStart(16, '0')}`,
    application_id: DISCORD_APP,
    type: 2,
    token: `itoken-${n}`,
    version: 1,
    locale,
    channel_id: `9${userId}`,
    user: { id: userId, username: `u${userId}`, global_name: null, discriminator: '0', avatar: null },
    data: { id: '77', name, type: 1, options: options.map((o) => ({ ...o, type: 3 })) },
    app_permissions: '0',
    attachment_size_limit: 10 * 1024 * 1024,
  };
}
async function post(body: unknown, opts: { raw?: string; key?: crypto.KeyObject } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = crypto.sign(null, Buffer.from(ts + raw), opts.key ?? w.discordKeys.privateKey).toString('hex');
  const res = await w.server.inject({
    method: 'POST',
    url: '/webhooks/discord',
    payload: raw,
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': sig, 'x-signature-timestamp': ts },
  });
  await w.bot.background.idle();
  return res;
}
const editsOf = (token: string) => w.discord.edits.filter((e) => e.token === token);

describe('Discord interactions', () => {
  it('refuses a bad signature with 401 and changes nothing', async () => {
    const other = crypto.generateKeyPairSync('ed25519').privateKey;
    const i = command('501', 'help');
    expect((await post(i, { key: other })).statusCode).toBe(401);
    expect(await w.q(`SELECT 1 FROM processed_events WHERE source = 'discord'`)).toHaveLength(0);
    expect(editsOf(i.token)).toHaveLength(0);
  });

  it('refuses a correctly signed interaction whose X-Signature-Timestamp is more than 5 minutes off (a replay)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = discordCommand('510', 'help');
    expect((await postDiscord(w, old, { timestamp: now - 6 * 60 })).statusCode).toBe(401);
    expect((await postDiscord(w, discordCommand('510', 'help'), { timestamp: now + 6 * 60 })).statusCode).toBe(401);
    expect(
      await w.q(`SELECT 1 FROM processed_events WHERE source = 'discord' AND event_id = $1`, [old.id]),
    ).toHaveLength(0);
    expect(editsOf(old.token)).toHaveLength(0);
    const recent = discordCommand('510', 'help');
    expect((await postDiscord(w, recent, { timestamp: now - 4 * 60 })).statusCode).toBe(200);
    expect(editsOf(recent.token)).toHaveLength(1);
  });

  it('answers PING with PONG, and malformed JSON with 400', async () => {
    const res = await post({ id: '1', application_id: DISCORD_APP, type: 1, token: 't', version: 1 });
    expect([res.statusCode, res.result]).toEqual([200, { type: 1 }]);
    expect((await post(null, { raw: '{"type": 2, ' })).statusCode).toBe(400);
  });

  it('defers, then edits the reply in the interaction locale with buttons', async () => {
    const i = command('502', 'settings', [], 'es-ES');
    const res = await post(i);
    expect(res.result).toEqual({ type: 5 });
    const [edit] = editsOf(i.token);
    expect(edit!.body.content).toBe('El pago automático está DESACTIVADO: te pregunto antes de usar tus puntos.');
    const ids = edit!.body.components.flatMap((r: any) => r.components.map((b: any) => b.custom_id));
    expect(ids).toEqual(['/settings autopay on', '/settings autopay off']);

    const press = {
      ...command('502', 'x', [], 'es-ES'),
      type: 3,
      data: { custom_id: '/settings autopay on', component_type: 2 },
    };
    await post(press);
    expect(editsOf(press.token)[0]!.body.content).toBe('Pago automático activado.');
  });

  it('a retried interaction makes one generation and one charge; progress edits @original, then the video is attached', async () => {
    await post(command('503', 'help'));
    const userId = await w.userOf('discord', '503');
    await w.subscribe(userId, 'starter');
    await w.q(`UPDATE users SET auto_pay = true WHERE id = $1`, [userId]);
    await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:buy`);
    await w.setDown('leonardo', 'runway');

    const i = command('503', 'video', [{ name: 'prompt', value: 'a paper boat on a river' }]);
    expect((await post(i)).result).toEqual({ type: 5 });
    expect((await post(i)).result).toEqual({ type: 5 });
    expect(await w.q(`SELECT prompt FROM generations WHERE user_id = $1`, [userId])).toEqual([
      { prompt: 'a paper boat on a river' },
    ]);
    expect((await w.ledger.balance(userId)).purchased).toBe(25);
    expect(editsOf(i.token)).toHaveLength(1);

    await w.runQueued();
    const edits = editsOf(i.token);
    expect(edits.some((e) => /\d+%/.test(e.body.content))).toBe(true);
    const final = edits.at(-1)!;
    expect(final.files).toHaveLength(1);
    expect(final.files[0]!.name).toMatch(/\.mp4$/);
    expect(final.files[0]!.size).toBeGreaterThan(1000);
    expect(final.body.attachments).toEqual([{ id: 0, filename: final.files[0]!.name }]);
    await w.runQueued();
    expect(editsOf(i.token)).toHaveLength(edits.length);
    await w.setUp('leonardo', 'runway');
  });

  it('after the interaction token expires, a push goes to the channel with the bot token', async () => {
    const target = {
      platform: 'discord' as const,
      chatId: '9504',
      platformUserId: '504',
      locale: 'en' as const,
      handle: { interactionToken: 'old', applicationId: DISCORD_APP, issuedAt: String(Date.now() - 20 * 60_000) },
    };
    await w.hub.push(target, [{ kind: 'text', message: { key: 'bot.link.done' } }]);
    expect(editsOf('old')).toHaveLength(0);
    expect(w.discord.channelMessages.filter((m) => m.channelId === '9504').map((m) => m.body.content)).toEqual([
      'Done: your accounts are joined. They now share one balance and one gallery.',
    ]);
  });
});

describe('npm run discord:register', () => {
  it('bulk-overwrites the slash commands with the bot token', async () => {
    const { registerDiscordCommands } = await import('../../app/discord-register.ts');
    const done = await registerDiscordCommands({
      applicationId: DISCORD_APP,
      botToken: 'discord-test-bot-token',
      apiBase: w.discord.apiBase,
      guildId: '42',
    });
    expect(done.map((c) => c.name)).toEqual([
      'video',
      'style',
      'upscale',
      'status',
      'cancel',
      'balance',
      'history',
      'plans',
      'gallery',
      'link',
      'lang',
      'settings',
      'appeal',
      'help',
      'admin',
      'Animate',
    ]);
    expect(w.discord.registered[0]!.body.find((c: any) => c.name === 'Animate')).toMatchObject({ type: 3 }); // a message command
    expect(w.discord.registered[0]!.path).toBe(`/api/v10/applications/${DISCORD_APP}/guilds/42/commands`);
    const video = w.discord.registered[0]!.body.find((c: any) => c.name === 'video');
    expect(video.options[0]).toMatchObject({ name: 'prompt', required: true, type: 3 });
    // `/plans action:cancel` arrives as "/plans cancel" (stops the renewal).
    const plans = w.discord.registered[0]!.body.find((c: any) => c.name === 'plans');
    expect(plans.options[0]).toMatchObject({
      name: 'action',
      required: false,
      type: 3,
      choices: [{ name: 'cancel', value: 'cancel' }],
    });
  });

  it('registers descriptions localized for ja, zh-TW, ko and es-ES from locales/*/bot.json, options included', async () => {
    const body = w.discord.registered[0]!.body as any[];
    const video = body.find((c) => c.name === 'video');
    expect(video.description).toBe('Make a video from a prompt');
    expect(video.description_localizations).toMatchObject({
      ja: 'プロンプトから動画を作成',
      'zh-TW': '用提示詞製作影片',
      ko: '프롬프트로 영상 만들기',
      'es-ES': 'Crea un video a partir de una descripción',
    });
    expect(video.options[0].description_localizations.ja).toBe('見たい内容');
    for (const c of body.filter((x) => x.type !== 3)) {
      // message commands have no description
      for (const d of [c, ...(c.options ?? [])]) {
        expect(Object.keys(d.description_localizations).sort()).toEqual(['es-419', 'es-ES', 'ja', 'ko', 'zh-TW']);
        for (const text of Object.values(d.description_localizations) as string[])
          expect(text.length).toBeGreaterThan(0);
        expect(d.description_localizations.ja).not.toBe(d.description);
        expect(d.description.length).toBeLessThanOrEqual(100);
      }
    }
  });
});
