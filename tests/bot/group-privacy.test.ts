// Personal content only in one-to-one chats: /plans, /gallery, /link and /balance asked in a LINE group or room, a
// Telegram supergroup or a Discord server channel put no sign-in link, code or balance in the group; the user gets
// them privately (LINE push to the user id, Telegram private chat, Discord ephemeral), and the group is told where
// to look. The identity's push target stays the one-to-one chat, and a video asked for in a group comes back there
// with a receipt that leaves the balance out. Signed real-format webhooks through the real routes and adapters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, type ChatWorld } from './support/world.ts';
import {
  allText,
  discordCommand,
  lineText,
  postDiscord,
  postLine,
  postTelegram,
  tgButton,
  tgMessage,
} from './support/signed.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld({ tlsMedia: true, env: { TELEGRAM_BOT_USERNAME: 'VidGoTestBot' } });
}, 60_000);
afterAll(async () => w?.close());

const SIGN_IN = /\/auth\/link\?/; // the world signs links as /auth/link?u=…
const lineTo = (to: string) => w.line.sent.filter((s) => s.kind === 'push' && s.to === to);
const lineReply = (token: string) => w.line.sent.find((s) => s.kind === 'reply' && s.replyToken === token)!;
const tgTo = (chat: number | string) =>
  w.telegram.calls.filter((c) => c.method.startsWith('send') && String(c.params.chat_id) === String(chat));

describe('LINE group and room', () => {
  it('/plans in a group: no sign-in link in the group, the link pushed to the user, the group told where to look', async () => {
    const ev = lineText({ type: 'group', groupId: 'Cgroup1', userId: 'Ugrp1' }, '/plans');
    expect((await postLine(w, [ev])).statusCode).toBe(200);
    const reply = lineReply(ev.replyToken);
    expect(allText(reply)).not.toMatch(SIGN_IN);
    expect(w.line.texts(reply).join('\n')).toContain("I've sent it to our one-to-one chat");
    const [push] = lineTo('Ugrp1');
    expect(allText(push)).toMatch(SIGN_IN);
    expect(lineTo('Cgroup1')).toHaveLength(0);
  });

  it('/link and /balance in a room: the code and the points go to the user only', async () => {
    const link = lineText({ type: 'room', roomId: 'Rroom1', userId: 'Uroom1' }, '/link');
    const balance = lineText({ type: 'room', roomId: 'Rroom1', userId: 'Uroom1' }, '/balance');
    await postLine(w, [link]);
    await postLine(w, [balance]);
    const [codeRow] = await w.q<{ code: string }>(`SELECT code FROM link_codes ORDER BY created_at DESC LIMIT 1`);
    for (const ev of [link, balance]) {
      const text = w.line.texts(lineReply(ev.replyToken)).join('\n');
      expect(text).not.toContain(codeRow!.code);
      expect(text).not.toMatch(/Points: /);
    }
    const pushed = allText(lineTo('Uroom1'));
    expect(pushed).toContain(codeRow!.code);
    expect(pushed).toMatch(/Points: 0 in total/);
  });

  it('a message in a group never becomes the push target: notices go to the one-to-one chat', async () => {
    await postLine(w, [lineText({ type: 'user', userId: 'Umixed' }, '/help')]);
    await postLine(w, [lineText({ type: 'group', groupId: 'Cgroup2', userId: 'Umixed' }, '/status')]);
    const userId = await w.userOf('line', 'Umixed');
    const targets = await w.bot.accounts.targets(userId);
    expect(targets.map((t) => [t.chatId, t.conversation ?? 'direct'])).toEqual([['Umixed', 'direct']]);
    const [row] = await w.q(
      `SELECT chat_id FROM chat_identities WHERE platform = 'line' AND platform_user_id = 'Umixed'`,
    );
    expect(row!.chat_id).toBe('Umixed');

    // Someone seen only in groups so far: the target is still their own chat (the LINE user id), never the group.
    await postLine(w, [lineText({ type: 'group', groupId: 'Cgroup2', userId: 'Uonlygroup' }, '/status')]);
    const onlyGroup = await w.bot.accounts.targets(await w.userOf('line', 'Uonlygroup'));
    expect(onlyGroup.map((t) => t.chatId)).toEqual(['Uonlygroup']);
  });

  it('a video asked for in a group comes back to the group, with the receipt but without balance or sign-in link', async () => {
    const ev = lineText({ type: 'group', groupId: 'Cgroup3', userId: 'Uvideo' }, 'a cat surfing at sunset');
    await postLine(w, [ev]);
    await w.runQueued();
    const pushes = lineTo('Cgroup3');
    expect(pushes.length).toBeGreaterThan(0);
    const group = allText(pushes);
    expect(group).toContain('"type":"video"');
    expect(group).toContain('Not charged');
    expect(group).not.toMatch(/balance/i);
    expect(group).not.toMatch(SIGN_IN);
    expect(allText(lineReply(ev.replyToken))).not.toMatch(SIGN_IN);
  });

  it('an appeal started in a group is asked and answered in the one-to-one chat', async () => {
    const refused = lineText({ type: 'group', groupId: 'Cgroup4', userId: 'Uappeal' }, 'porn video of my neighbour');
    await postLine(w, [refused]);
    const userId = await w.userOf('line', 'Uappeal');
    expect(await w.q(`SELECT appeal_status FROM moderation_events WHERE user_id = $1`, [userId])).toEqual([
      { appeal_status: 'none' },
    ]);
    const press = lineText({ type: 'group', groupId: 'Cgroup4', userId: 'Uappeal' }, '/appeal');
    await postLine(w, [press]);
    expect(w.line.texts(lineReply(press.replyToken)).join(' ')).toContain("I've sent it to our one-to-one chat");
    const asked = lineTo('Uappeal').at(-1)!;
    expect(asked.messages.at(-1).quickReply.items.map((i: any) => i.action.data)).toContain('/appeal skip');
    await postLine(w, [lineText({ type: 'user', userId: 'Uappeal' }, 'it was a typo for "popcorn"')]);
    expect(await w.q(`SELECT appeal_status, appeal_text FROM moderation_events WHERE user_id = $1`, [userId])).toEqual([
      { appeal_status: 'pending', appeal_text: 'it was a typo for "popcorn"' },
    ]);
    expect(await w.q(`SELECT 1 FROM generations WHERE user_id = $1`, [userId])).toHaveLength(0);
  });
});

describe('Telegram group', () => {
  const group = { id: -1001234, type: 'supergroup' as const, title: 'Friends' };

  it('/plans in a supergroup: the link goes to the private chat, the group gets only the pointer', async () => {
    await postTelegram(w, tgMessage(4101, group, '/plans@VidGoTestBot'));
    const inGroup = tgTo(group.id);
    expect(inGroup.length).toBeGreaterThan(0);
    expect(allText(inGroup)).not.toMatch(SIGN_IN);
    expect(inGroup.at(-1)!.params.text).toContain("I've sent it to you in a private chat");
    expect(allText(tgTo(4101))).toMatch(SIGN_IN);
  });

  it('a user who never started the bot: nothing personal in the group, and the group is told how to start it', async () => {
    w.telegram.ctl.notStarted.add('4102');
    await postTelegram(w, tgMessage(4102, group, '/gallery'));
    const inGroup = tgTo(group.id).filter((c) => allText(c).includes('t.me/VidGoTestBot'));
    expect(inGroup).toHaveLength(1);
    expect(inGroup[0]!.params.text).toContain('Open https://t.me/VidGoTestBot, press Start');
    expect(allText(tgTo(group.id))).not.toMatch(SIGN_IN);
    expect(tgTo(4102)).toHaveLength(1); // the refused attempt
  });

  it('a button pressed in the group answers the presser privately', async () => {
    await postTelegram(w, tgButton(4103, group, '/balance'));
    expect(allText(tgTo(group.id))).not.toMatch(/Points: 0 in total/);
    expect(allText(tgTo(4103))).toMatch(/Points: 0 in total/);
  });
});

describe('Discord server channel', () => {
  it('/plans in a server channel is deferred ephemerally and answered there, for the user alone', async () => {
    const i = discordCommand('6101', 'plans', { guildId: '5001', channelId: '5002' });
    const res = await postDiscord(w, i);
    expect(res.result).toEqual({ type: 5, data: { flags: 64 } });
    const edit = w.discord.edits.find((e) => e.token === i.token)!;
    expect(allText(edit.body)).toMatch(SIGN_IN);
    expect(w.discord.channelMessages.filter((m) => m.channelId === '5002')).toHaveLength(0);
  });

  it('non-personal commands stay public; in a DM nothing needs hiding', async () => {
    expect(
      (await postDiscord(w, discordCommand('6102', 'help', { guildId: '5001', channelId: '5002' }))).result,
    ).toEqual({ type: 5 });
    expect((await postDiscord(w, discordCommand('6102', 'plans'))).result).toEqual({ type: 5 });
  });

  it('a personal answer to a public command arrives as an ephemeral follow-up', async () => {
    // /upscale from a Demo user in a channel: refused with the plans button, whose sign-in URL must not be public.
    const i = discordCommand('6103', 'upscale', { guildId: '5001', channelId: '5002' });
    expect((await postDiscord(w, i)).result).toEqual({ type: 5 });
    const edit = w.discord.edits.find((e) => e.token === i.token)!;
    expect(allText(edit.body)).not.toMatch(SIGN_IN);
    expect(w.discord.followups.filter((f) => f.token === i.token)).toHaveLength(0);
    const buttons = edit.body.components.flatMap((r: any) => r.components);
    expect(buttons.map((b: any) => b.custom_id)).toContain('/plans');
  });

  it('a balance in the answer to a public command goes to an ephemeral follow-up; the public reply points at it', async () => {
    await postDiscord(w, discordCommand('6104', 'help'));
    await w.subscribe(await w.userOf('discord', '6104'), 'starter');
    await w.setDown('leonardo', 'runway');
    try {
      const i = { ...discordCommand('6104', 'video', { guildId: '5001', channelId: '5002' }) };
      i.data = {
        id: '77',
        name: 'video',
        type: 1,
        options: [{ name: 'prompt', type: 3, value: 'a fox in the snow' }],
      } as never;
      expect((await postDiscord(w, i)).result).toEqual({ type: 5 });
      const edit = w.discord.edits.find((e) => e.token === i.token)!;
      expect(edit.body.content).toContain('only you can see it');
      expect(edit.body.content).not.toMatch(/you have 0/);
      const [follow] = w.discord.followups.filter((f) => f.token === i.token);
      expect(follow!.body.flags).toBe(64);
      expect(follow!.body.content).toMatch(/you have 0/);
    } finally {
      await w.setUp('leonardo', 'runway');
    }
  });

  it('account notices go to the DM channel the adapter opens, not to the channel last used', async () => {
    const userId = await w.userOf('discord', '6101');
    const [target] = await w.bot.accounts.targets(userId);
    expect(target).toMatchObject({ platform: 'discord', chatId: '6101' });
    await w.hub.push(target!, [
      {
        kind: 'text',
        message: { key: 'bot.balance', params: { total: 1, pollo: 0, goenhance: 0, purchased: 1 } },
        personal: true,
      },
    ]);
    expect(w.discord.dms).toEqual([{ recipientId: '6101', channelId: '76101' }]);
    expect(w.discord.channelMessages.map((m) => m.channelId)).toEqual(['76101']);
  });
});
