// Logs never carry secrets, tokens or what users wrote: real flows through the real routes and SDK clients, with
// the platforms failing the way they do (500s) so the SDK errors — which hold the request payload (message text
// with sign-in links), the interaction-token URL and the request body — are logged; then every line of the run is
// searched for the credentials, interaction tokens, sign-in tokens and message text that were used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.ts';
import {
  buildChatWorld,
  DISCORD_BOT,
  LINE_SECRET,
  LINE_TOKEN,
  TG_SECRET,
  TG_TOKEN,
  type ChatWorld,
} from './support/world.ts';
import { discordCommand, lineText, postDiscord, postLine, postTelegram, tgMessage } from './support/signed.ts';

const lines: string[] = [];
let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld({
    realLinks: true,
    log: createLogger('trace', false, { write: (l: string) => void lines.push(l) }),
  });
}, 60_000);
afterAll(async () => w?.close());

const PRIVATE_TEXT = 'see https://secret.example/p?token=users-own-secret';

describe('log lines', () => {
  it('hold no secret, token, sign-in link or message text, even when the platforms fail', async () => {
    // LINE: the reply carrying a sign-in link fails with 500 (retried later by the inbox).
    w.line.ctl.failReplies = 2;
    await postLine(w, [lineText({ type: 'user', userId: 'Ulog1' }, '/plans')]);
    await postLine(w, [lineText({ type: 'user', userId: 'Ulog1' }, PRIVATE_TEXT)]);
    // Telegram: sending the sign-in link fails with 500.
    w.telegram.ctl.failSends = 2;
    await postTelegram(w, tgMessage(8101, { id: 8101, type: 'private' }, '/gallery'));
    await postTelegram(w, tgMessage(8101, { id: 8101, type: 'private' }, PRIVATE_TEXT));
    // Discord: editing the deferred reply (URL with the interaction token, body with the link) fails with 500.
    w.discord.ctl.failEdits = 10; // discord.js retries a 500 itself
    const i = discordCommand('8201', 'plans');
    await postDiscord(w, i);
    // Refused deliveries: a stale Discord signature, a wrong Telegram secret.
    expect(
      (await postDiscord(w, discordCommand('8202', 'plans'), { timestamp: Math.floor(Date.now() / 1000) - 3600 }))
        .statusCode,
    ).toBe(401);
    const wrong = await w.server.inject({
      method: 'POST',
      url: '/webhooks/telegram',
      payload: '{}',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'x'.repeat(40) },
    });
    expect(wrong.statusCode).toBe(401);

    // The failures were logged (so there was something to leak) …
    const failures = lines.map((l) => JSON.parse(l)).filter((l) => l.err);
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.some((l) => l.err.type === 'GrammyError' && l.err.error_code === 500)).toBe(true);
    expect(failures.some((l) => l.err.type === 'HTTPError' && l.err.status === 500)).toBe(true); // @discordjs/rest, after its retries
    expect(failures.some((l) => l.err.type === 'HTTPFetchError')).toBe(true);

    // … and no line holds what must stay out of logs.
    const signInTokens = [
      ...JSON.stringify([w.line.sent, w.telegram.calls, w.discord.edits]).matchAll(/token=(eyJ[A-Za-z0-9._-]+)/g),
    ].map((m) => m[1]!);
    const attempted = JSON.stringify(w.telegram.calls).match(/token=(eyJ[A-Za-z0-9._-]+)/);
    expect(attempted).not.toBeNull(); // the failed sends carried sign-in links
    const forbidden = [
      LINE_SECRET,
      LINE_TOKEN,
      TG_SECRET,
      TG_TOKEN.split(':')[1]!,
      DISCORD_BOT,
      i.token,
      'secret.example',
      'users-own-secret',
      ...signInTokens,
      'eyJ',
    ];
    const all = lines.join('\n');
    for (const secret of forbidden) expect(all.includes(secret), `log holds ${secret.slice(0, 24)}`).toBe(false);
  });
});
