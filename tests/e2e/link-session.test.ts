// /link end to end in the composed app, with LINE and Telegram: a Telegram user signs into the web app, then joins
// their older LINE account with /link (the LINE chat confirms with its button). The session from before the merge
// now acts for the surviving user: /me names it, and a checkout creates the order for it, not for the merged-away id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppWorld, type AppWorld } from './support/app-world.ts';
import { Client } from '../web/support/browserless.ts';

let w: AppWorld;
beforeAll(async () => {
  w = await startAppWorld({ redisDb: 10, telegram: true });
}, 90_000);
afterAll(async () => w?.close(), 30_000);

const tgTexts = (chat: number) => w.telegram!.of('sendMessage').filter((c) => Number(c.params.chat_id) === chat);

describe('a session from before /link', () => {
  it('buys for the surviving user', async () => {
    // The LINE account is older: it survives the merge.
    const hello = await w.lineSays('Ue2eLinker', '/help');
    await w.until(() => w.line.sent.find((s) => s.replyToken === hello.replyToken), 'the LINE welcome');
    const survivor = await w.userOf('Ue2eLinker');

    // The Telegram user signs into the web app first.
    expect(await w.telegramSays(7301, '/plans')).toBe(200);
    const plans = await w.until(
      () => tgTexts(7301).find((c) => JSON.stringify(c.params).includes('/auth/link')),
      'the /plans link',
    );
    const link = JSON.stringify(plans.params).match(new RegExp(`${w.publicUrl}/auth/link\\?token=[A-Za-z0-9._-]+`))![0];
    const c = new Client(w.base);
    expect((await c.signIn(link.replace(w.publicUrl, w.base), new URL(w.publicUrl).origin)).status).toBe(303);
    const before = (await c.json('/api/v1/me')).body.userId as string;
    expect(before).not.toBe(survivor);

    // /link on LINE, the code used on Telegram, confirmed with the button the LINE chat gets.
    const ask = await w.lineSays('Ue2eLinker', '/link');
    const reply = await w.until(() => w.line.sent.find((s) => s.replyToken === ask.replyToken), 'the link code');
    const code = /\b([A-Z2-9]{8})\b/.exec(w.line.texts(reply).join(' '))![1]!;
    expect(await w.telegramSays(7301, `/link ${code}`)).toBe(200);
    const question = await w.until(
      () =>
        w.line.sent.find(
          (s) => s.kind === 'push' && s.to === 'Ue2eLinker' && JSON.stringify(s).includes('wants to join'),
        ),
      'the confirmation',
    );
    const yes = question.messages.at(-1).quickReply.items[0].action.data as string;
    expect(yes).toBe(`/link confirm ${code}`);
    expect(await w.userOf('Ue2eLinker')).toBe(survivor); // nothing merged before the answer
    await w.linePress('Ue2eLinker', yes);
    await w.until(
      async () => (await w.q(`SELECT 1 FROM users WHERE id = $1 AND merged_into = $2`, [before, survivor])).length > 0,
      'the merge',
    );

    // The old session acts for the survivor.
    expect((await c.json('/api/v1/me')).body).toMatchObject({
      userId: survivor,
      linked: expect.arrayContaining([{ platform: 'line' }, { platform: 'telegram' }]),
    });
    const checkout = await c.json('/api/v1/checkout', {
      method: 'POST',
      json: { kind: 'plan', slug: 'starter', method: 'ecpay' },
    });
    expect(checkout.status).toBe(200);
    expect(await w.q(`SELECT user_id FROM orders WHERE order_number = $1`, [checkout.body.orderNumber])).toEqual([
      { user_id: survivor },
    ]);
  }, 60_000);
});
