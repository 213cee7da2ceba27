// LINE the way its users expect, against the fake LINE API: /admin broadcast goes by multicast (500 users a call,
// each call with its own X-Line-Retry-Key, so a repeated command sends nothing twice); the rich menu is installed
// from bot/line/rich-menu.json by `npm run line:richmenu`; a finished video is the video message beside one Flex
// bubble (preview, caption, receipt, buttons).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { buildChatWorld, LINE_TOKEN, type ChatWorld } from './support/world.ts';
import { lineText, postLine } from './support/signed.ts';
import { setUpLineRichMenu } from '../../app/line-richmenu.ts';
import { loadRichMenu } from '../../bot/line/rich-menu.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld();
}, 60_000);
afterAll(async () => w?.close());

const lineUser = (n: number) => `U${crypto.createHash('md5').update(`broadcast-${n}`).digest('hex')}`;

describe('LINE /admin broadcast', () => {
  it('reaches 1,200 LINE users with 3 multicast calls of at most 500, and a repeated command sends nothing again', async () => {
    // 1,200 LINE users whose language is Korean, made the way the bot stores them.
    await w.db.sequelize.query(`
      WITH u AS (INSERT INTO users (locale) SELECT 'ko' FROM generate_series(1, 1200) RETURNING id),
           n AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM u)
      INSERT INTO chat_identities (user_id, platform, platform_user_id, chat_id, locale)
      SELECT id, 'line', 'U' || md5('broadcast-' || k), 'U' || md5('broadcast-' || k), 'ko' FROM n`);
    const before = w.line.sent.length;
    const event = {
      platform: 'discord' as const,
      kind: 'message' as const,
      eventId: 'bcast-1',
      platformUserId: '8888',
      chatId: '98888',
      text: '/admin broadcast ko 점검 안내 @everyone',
    };
    const res = await w.bot.dispatcher.respond(event);
    expect(res.replies[0]).toMatchObject({ message: { key: 'bot.admin.broadcast_sent', params: { count: 1200 } } });

    const calls = w.line.sent.slice(before);
    expect(calls.every((c) => c.kind === 'multicast')).toBe(true);
    expect(calls.map((c) => c.toMany!.length)).toEqual([500, 500, 200]);
    expect(new Set(calls.flatMap((c) => c.toMany!)).size).toBe(1200);
    expect(calls.flatMap((c) => c.toMany!)).toContain(lineUser(1));
    expect(new Set(calls.map((c) => c.retryKey)).size).toBe(3);
    for (const c of calls)
      expect(c.retryKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(calls[0]!.messages).toEqual([{ type: 'text', text: '📢 점검 안내 @everyone' }]);

    // The same command delivered again: LINE answers each batch 409 (retry key already accepted).
    const again = await w.bot.dispatcher.respond(event);
    expect(again.replies[0]).toMatchObject({ message: { params: { count: 1200 } } });
    expect(w.line.sent.length).toBe(before + 3);
    const multicastRequests = w.line.requests.filter((r) => r.path === '/v2/bot/message/multicast');
    expect(multicastRequests).toHaveLength(6);
  }, 60_000);
});

describe('npm run line:richmenu', () => {
  it('creates the menu of bot/line/rich-menu.json with its drawn image, makes it the default, and replaces an older one', async () => {
    const line = { channelAccessToken: LINE_TOKEN, apiBase: w.line.url, dataApiBase: w.line.url };
    const first = await setUpLineRichMenu(line);
    const def = await loadRichMenu();
    const menu = w.line.richMenus.get(first.richMenuId)!;
    expect(menu.body).toEqual(def.richMenu);
    expect(menu.image).toMatchObject({ type: 'image/png', width: 2500, height: 843 });
    expect(menu.image!.size).toBeLessThan(1024 * 1024);
    expect(w.line.defaultMenu.id).toBe(first.richMenuId);
    expect(def.richMenu.areas.map((a) => (a.action as { data: string }).data)).toEqual([
      '/video',
      '/style',
      '/status',
      '/balance',
      '/plans',
      '/help',
    ]);

    const second = await setUpLineRichMenu(line);
    expect(second.deleted).toEqual([first.richMenuId]);
    expect([...w.line.richMenus.keys()]).toEqual([second.richMenuId]);
    expect(w.line.defaultMenu.id).toBe(second.richMenuId);
  }, 30_000);

  it('a tap on a menu area (postback) runs its command', async () => {
    const n = Date.now();
    const tap = {
      type: 'postback',
      mode: 'active',
      timestamp: n,
      source: { type: 'user', userId: 'Umenu' },
      webhookEventId: `01HMENU${String(n).padStart(19, '0')}`,
      deliveryContext: { isRedelivery: false },
      replyToken: `rt-menu-${n}`,
      postback: { data: '/help' },
    };
    await postLine(w, [tap]);
    const [reply] = w.line.sent.filter((s) => s.replyToken === tap.replyToken);
    expect(w.line.texts(reply!).join('\n')).toContain('/video');
  });
});

describe('LINE result as a Flex bubble', () => {
  it('a finished video is the video message and one bubble with preview, caption, receipt and buttons', async () => {
    w.line.profiles.set('Uflex', { displayName: 'Fl', language: 'en' });
    await postLine(w, [lineText({ type: 'user', userId: 'Uflex' }, '/balance')]);
    const userId = await w.userOf('line', 'Uflex');
    await w.subscribe(userId, 'starter');
    await w.q(`UPDATE users SET auto_pay = true WHERE id = $1`, [userId]);
    await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:buy`);
    await w.setDown('leonardo', 'runway');
    await postLine(w, [lineText({ type: 'user', userId: 'Uflex' }, 'a heron taking off')]);
    await w.runQueued();
    await w.setUp('leonardo', 'runway');

    const [push, ...more] = w.line.sent.filter((s) => s.kind === 'push' && s.to === 'Uflex');
    expect(more).toHaveLength(0);
    expect(push!.messages.map((m) => m.type)).toEqual(['video', 'flex']);
    const [video, flex] = push!.messages;
    const bubble = flex.contents;
    expect(bubble.type).toBe('bubble');
    expect(bubble.hero).toMatchObject({ type: 'image', url: video.previewImageUrl });
    const texts = bubble.body.contents.map((c: any) => c.text as string);
    expect(texts[0]).toMatch(/^Your video is ready/);
    expect(texts[1]).toMatch(/^Charged 5 /); // the receipt
    expect(flex.altText).toContain(texts[1]);
    const buttons = bubble.footer.contents.map((b: any) => b.action);
    expect(buttons[0]).toMatchObject({ type: 'uri', label: 'Open gallery', uri: expect.stringMatching(/^https:\/\//) });
    // No separate caption or receipt text messages: everything about the video is in the bubble.
    expect(push!.messages.filter((m) => m.type === 'text')).toHaveLength(0);
  }, 30_000);
});
