// The one command grammar, and the dispatcher with its account rules (ban, rate limit, /lang, /link merge,
// admin commands with the audit log) on the real database, ledger and generation service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../core/commands/grammar.ts';
import type { ChatEvent, Platform } from '../../core/model.ts';
import { buildChatWorld, type ChatWorld } from './support/world.ts';

describe('grammar', () => {
  it.each([
    ['a cat surfing', { name: 'video', prompt: 'a cat surfing' }],
    ['/video  a dog ', { name: 'video', prompt: 'a dog' }],
    ['/video@VidGoBot a dog', { name: 'video', prompt: 'a dog' }],
    ['／status', { name: 'status' }],
    ['/video', { name: 'usage', command: 'video' }],
    ['/style Anime a castle', { name: 'style', style: 'anime', prompt: 'a castle' }],
    ['/style ghibli', { name: 'style', style: 'ghibli', prompt: '' }],
    ['/link ab12cd34', { name: 'link', code: 'ab12cd34' }],
    ['/link confirm AB12CD34', { name: 'link', code: 'AB12CD34', answer: 'confirm' }],
    ['/link refuse AB12CD34', { name: 'link', code: 'AB12CD34', answer: 'refuse' }],
    ['/lang zh-TW', { name: 'lang', locale: 'zh-TW' }],
    ['/settings autopay OFF', { name: 'settings', autoPay: false }],
    ['/consent 3f2a points', { name: 'consent', generationId: '3f2a', choice: 'points' }],
    ['/consent 3f2a maybe', { name: 'usage', command: 'consent' }],
    [
      '/admin grant telegram:42 50',
      { name: 'admin', sub: 'grant', args: ['telegram:42', '50'], rest: 'telegram:42 50' },
    ],
    [
      '/admin broadcast ja こんにちは 皆さん',
      { name: 'admin', sub: 'broadcast', args: ['ja', 'こんにちは', '皆さん'], rest: 'ja こんにちは 皆さん' },
    ],
    ['/plans', { name: 'plans' }],
    ['/plans CANCEL', { name: 'plans', cancel: true }],
    ['/plans@VidGoBot cancel', { name: 'plans', cancel: true }],
    ['/plans later', { name: 'plans' }],
    ['/frobnicate', { name: 'unknown', command: '/frobnicate' }],
    ['   ', { name: 'empty' }],
  ])('%s', (text, cmd) => expect(parse(text)).toEqual(cmd));
});

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld({ env: { RATE_LIMIT_CHAT_PER_MIN: '6' } });
}, 60_000);
afterAll(async () => w?.close());

let n = 0;
const ev = (platform: Platform, user: string, text: string | undefined, extra: Partial<ChatEvent> = {}): ChatEvent => ({
  platform,
  kind: text === undefined ? 'unsupported' : 'message',
  eventId: `e${++n}`,
  platformUserId: user,
  chatId: `c${user}`,
  ...(text !== undefined ? { text } : {}),
  ...extra,
});
const say = async (e: ChatEvent) => w.bot.dispatcher.respond(e);
const keys = (r: { replies: { kind: string; message?: { key: string } }[] }) =>
  r.replies.map((x) => x.message?.key ?? x.kind);
const text = (r: Awaited<ReturnType<typeof say>>, i = 0) =>
  w.bot.t.t(r.locale, (r.replies[i] as { message: { key: string; params?: Record<string, string | number> } }).message);

describe('dispatcher', () => {
  it('unknown commands get help; plain text is a prompt; platform language picks the locale until /lang', async () => {
    expect(keys(await say(ev('telegram', '100', '/frobnicate')))).toEqual(['bot.unknown', 'bot.help']);
    const r = await say(ev('telegram', '101', 'hola', { platformLocale: 'es-419' }));
    expect(r.locale).toBe('es');
    expect(
      await w.q(`SELECT kind FROM generations WHERE user_id = $1`, [await w.userOf('telegram', '101')]),
    ).toHaveLength(1);
    const zh = await say(ev('telegram', '102', '/help', { platformLocale: 'zh-hant' }));
    expect(text(zh)).toContain('傳送提示詞');
    await say(ev('telegram', '102', '/lang ja'));
    expect((await say(ev('telegram', '102', '/help', { platformLocale: 'zh-hant' }))).locale).toBe('ja');
  });

  it('rate-limits each chat user', async () => {
    const out: string[][] = [];
    for (let i = 0; i < 7; i++) out.push(keys(await say(ev('telegram', '103', '/help'))));
    expect(out.slice(0, 6).every((k) => k[0] === 'bot.help')).toBe(true);
    expect(out[6]).toEqual(['bot.rate_limited']);
    expect(keys(await say(ev('telegram', '104', '/help')))).toEqual(['bot.help']); // another user is not affected
  });

  it('/plans and /gallery answer with magic links', async () => {
    const r = await say(ev('line', 'Uplans', '/plans'));
    expect(r.replies[0]).toMatchObject({
      kind: 'link',
      url: expect.stringContaining('/auth/link'),
      label: { key: 'bot.plans.button' },
    });
  });
});

describe('the generation a command is about (ChatResponse.generationId)', () => {
  it('two /video at the same instant each name their own; a replayed event names the first one', async () => {
    await say(ev('telegram', '110', '/help'));
    const userId = await w.userOf('telegram', '110');
    await w.subscribe(userId, 'starter'); // two at a time
    await w.q(`UPDATE users SET auto_pay = true WHERE id = $1`, [userId]);
    await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:gid`);
    const a = ev('telegram', '110', '/video a heron in reeds');
    const b = ev('telegram', '110', '/video a tram at dawn');
    const [ra, rb] = await Promise.all([say(a), say(b)]);
    const idOf = async (e: ChatEvent) =>
      (await w.q<{ id: string }>(`SELECT id FROM generations WHERE request_key = $1`, [`telegram:${e.eventId}`]))[0]!
        .id;
    expect([ra.pending, rb.pending]).toEqual([true, true]);
    expect(ra.generationId).toBe(await idOf(a));
    expect(rb.generationId).toBe(await idOf(b));
    expect(ra.generationId).not.toBe(rb.generationId);
    const again = await say(a);
    expect(keys(again)).toEqual(['core.queued']);
    expect(again.generationId).toBe(ra.generationId);
    expect(await w.q(`SELECT id FROM generations WHERE user_id = $1`, [userId])).toHaveLength(2);
  });

  it('a consent answer names the generation it answered; a command that starts nothing names none', async () => {
    await say(ev('telegram', '111', '/help'));
    const userId = await w.userOf('telegram', '111');
    await w.subscribe(userId, 'starter');
    await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:gid`);
    await w.setDown('leonardo', 'runway');
    try {
      const asked = await say(ev('telegram', '111', '/video a red fox'));
      expect(keys(asked)).toEqual(['core.consent.question']);
      expect(asked.pending).toBe(false); // a question is on screen, not a wait
      const [{ id }] = (await w.q<{ id: string }>(`SELECT id FROM generations WHERE user_id = $1`, [userId])) as [
        { id: string },
      ];
      expect(asked.generationId).toBe(id);
      const answered = await say(ev('telegram', '111', `/consent ${id} points`));
      expect(keys(answered)).toEqual(['core.queued', 'core.reserved']);
      expect([answered.pending, answered.generationId]).toEqual([true, id]);
      const status = await say(ev('telegram', '111', '/status'));
      expect([status.pending, status.generationId]).toEqual([true, undefined]);
    } finally {
      await w.setUp('leonardo', 'runway');
    }
  });
});

describe('admin commands', () => {
  it('refuses non-admins politely, runs nothing, and audits the attempt', async () => {
    const r = await say(ev('telegram', '200', '/admin grant telegram:200 1000'));
    expect(keys(r)).toEqual(['bot.admin.refused']);
    expect((await w.ledger.balance(await w.userOf('telegram', '200'))).total).toBe(0);
    expect(await w.q(`SELECT actor, command, outcome FROM admin_audit_log WHERE actor = 'telegram:200'`)).toEqual([
      { actor: 'telegram:200', command: 'admin grant', outcome: 'refused' },
    ]);
  });

  it('grants once per admin message, bans and unbans, and audits every use', async () => {
    await say(ev('telegram', '201', '/help'));
    const target = await w.userOf('telegram', '201');
    const grant = ev('telegram', '7777', '/admin grant telegram:201 50');
    expect(keys(await say(grant))).toEqual(['bot.admin.granted']);
    await say(grant); // the same message redelivered
    expect((await w.ledger.balance(target)).purchased).toBe(50);
    expect(keys(await say(ev('telegram', '7777', '/admin grant telegram:201 lots')))).toEqual(['bot.admin.usage']);

    await say(ev('telegram', '7777', '/admin ban telegram:201 spam'));
    const banned = await say(ev('telegram', '201', 'a forest'));
    expect(keys(banned)).toEqual(['bot.banned']);
    expect(await w.q(`SELECT 1 FROM generations WHERE user_id = $1`, [target])).toHaveLength(0);
    await say(ev('telegram', '7777', `/admin unban ${target}`));
    expect(keys(await say(ev('telegram', '201', '/help')))).toEqual(['bot.help']);

    const audit = await w.q<{ command: string; outcome: string }>(
      `SELECT command, outcome FROM admin_audit_log WHERE actor = 'telegram:7777' ORDER BY id`,
    );
    expect(audit).toEqual([
      { command: 'admin grant', outcome: 'ok' },
      { command: 'admin grant', outcome: 'ok' },
      { command: 'admin grant', outcome: 'invalid' },
      { command: 'admin ban', outcome: 'ok' },
      { command: 'admin unban', outcome: 'ok' },
    ]);
  });

  it('user, health, provider, stats and broadcast', async () => {
    const admin = (t: string) => say(ev('discord', '8888', t));
    const user = await admin('/admin user telegram:201');
    expect(text(user)).toContain('telegram:201');
    await admin('/admin provider pollo off');
    expect((await w.health.snapshot()).find((p) => p.provider === 'pollo')).toMatchObject({
      override: 'off',
      up: false,
    });
    expect(text(await admin('/admin health'))).toContain('pollo: ❌ (off)');
    await admin('/admin provider pollo auto');
    expect((await w.health.snapshot()).find((p) => p.provider === 'pollo')).toMatchObject({
      override: 'auto',
      up: true,
    });
    expect(keys(await admin('/admin stats'))[0]).toMatch(/^core\.admin\./);

    await say(ev('telegram', '300', '/lang ja'));
    await say(ev('telegram', '301', '/help', { platformLocale: 'en' }));
    const b = await admin('/admin broadcast ja メンテナンスのお知らせ');
    expect(text(b)).toBe('Broadcast sent to 2 chats.'); // 102 chose ja earlier, 300 just now
    const got = w.telegram.of('sendMessage').filter((c) => c.params.chat_id === 'c300');
    expect(got.map((c) => c.params.text)).toEqual(['📢 メンテナンスのお知らせ']);
    expect(w.telegram.of('sendMessage').filter((c) => c.params.chat_id === 'c301')).toHaveLength(0);
  });
});

describe('appeals', () => {
  it('/admin appeals shows prompt, category, source and explanation with Approve / Reject buttons; a press decides it once', async () => {
    await say(ev('telegram', '250', '/help'));
    const userId = await w.userOf('telegram', '250');
    const [m] = await w.q<{ id: string }>(
      `INSERT INTO moderation_events (user_id, text, verdict, category, source, appeal_status, appeal_text, appealed_at)
      VALUES ($1, 'a boxing match', 'blocked', 'violence', 'keyword', 'pending', 'it is a sport', now()) RETURNING id`,
      [userId],
    );
    const list = await say(ev('line', 'Uadmin', '/admin appeals'));
    const item = list.replies.find(
      (r) => (r as { message: { params?: { id?: string } } }).message.params?.id === m!.id,
    ) as { choices?: { command: string }[] };
    expect(
      w.bot.t.t('en', (item as unknown as { message: { key: string; params: Record<string, string> } }).message),
    ).toBe(
      `Appeal ${m!.id}\nUser: ${userId}\nPrompt: "a boxing match"\nCategory: violence (refused by keyword filter)\nExplanation: it is a sport`,
    );
    expect(item.choices!.map((c) => c.command)).toEqual([
      `/admin appeal ${m!.id} approve`,
      `/admin appeal ${m!.id} reject`,
    ]);
    expect(keys(await say(ev('line', 'Uadmin', item.choices![0]!.command)))).toEqual(['moderation.admin.approved']);
    expect(keys(await say(ev('line', 'Uadmin', item.choices![1]!.command)))).toEqual(['moderation.admin.missing']); // decided once
    expect(keys(await say(ev('line', 'Uadmin', '/admin appeal not-an-id approve')))).toEqual([
      'moderation.admin.missing',
    ]);
    expect(keys(await say(ev('line', 'Uadmin', `/admin appeal ${m!.id} maybe`)))).toEqual(['bot.admin.usage']);
    expect(await w.q(`SELECT appeal_status, decided_by FROM moderation_events WHERE id = $1`, [m!.id])).toEqual([
      { appeal_status: 'approved', decided_by: 'line:Uadmin' },
    ]);
  });

  it('/appeal without a refusal, and twice, says so; a non-admin cannot decide', async () => {
    expect(keys(await say(ev('telegram', '251', '/appeal')))).toEqual(['moderation.appeal.none']);
    expect(keys(await say(ev('telegram', '251', '/appeal it was fine')))).toEqual(['moderation.appeal.none']);
    expect(keys(await say(ev('telegram', '251', '/admin appeals')))).toEqual(['bot.admin.refused']);
  });
});

describe('/link', () => {
  const codeOf = (r: Awaited<ReturnType<typeof say>>) =>
    String((r.replies[0] as unknown as { message: { params: { code: string } } }).message.params.code);
  /** What the hub pushed to a chat (LINE pushes recorded by the fake LINE server, Telegram sends by the fake Bot API). */
  const linePushes = (to: string) =>
    w.line.sent.filter((s) => s.kind === 'push' && s.to === to).flatMap((s) => w.line.texts(s));
  const tgSends = (chat: string) => w.telegram.of('sendMessage').filter((c) => c.params.chat_id === chat);

  it('asks the issuer first, naming the other account; on yes the older user survives, points move as ledger pairs, identities follow', async () => {
    await say(ev('telegram', '400', '/help', { displayName: 'Bob Tan' }));
    const older = await w.userOf('telegram', '400');
    await w.ledger.credit(older, 'purchased', 10, 'purchase', `t:${older}`);
    await say(ev('line', 'U400', '/help'));
    const newer = await w.userOf('line', 'U400');
    await w.ledger.credit(newer, 'purchased', 7, 'purchase', `t:${newer}`);
    await w.ledger.credit(newer, 'monthly_pollo', 3, 'monthly_allocation', `t:${newer}:m`);

    const code = codeOf(await say(ev('line', 'U400', '/link')));
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    expect(keys(await say(ev('line', 'U400', `/link ${code}`)))).toEqual(['bot.link.self']);
    const asked = await say(ev('telegram', '400', `/link ${code.toLowerCase()}`));
    expect(keys(asked)).toEqual(['bot.link.asked']);
    expect(text(asked)).toContain('your LINE account to confirm');
    // Nothing merged yet; the LINE chat (the issuer's) is asked, naming the Telegram account, with yes/no buttons.
    expect(await w.userOf('line', 'U400')).toBe(newer);
    const question = w.line.sent.filter((s) => s.kind === 'push' && s.to === 'cU400').at(-1)!;
    expect(w.line.texts(question).join()).toContain('The Telegram account “Bob Tan” wants to join this VidGo account');
    expect(question.messages.at(-1).quickReply.items.map((i: any) => i.action.data)).toEqual([
      `/link confirm ${code}`,
      `/link refuse ${code}`,
    ]);
    // Only the issuing account may answer.
    expect(keys(await say(ev('telegram', '400', `/link confirm ${code}`)))).toEqual(['bot.link.not_yours']);
    expect(keys(await say(ev('line', 'U400', `/link confirm ${code}`)))).toEqual(['bot.link.done']);

    expect(await w.userOf('line', 'U400')).toBe(older);
    expect(tgSends('c400').at(-1)!.params.text).toContain('your accounts are joined');
    expect(await w.ledger.balance(older)).toMatchObject({ purchased: 17, monthly_pollo: 3, total: 20 });
    expect((await w.ledger.balance(newer)).total).toBe(0);
    expect(await w.q(`SELECT merged_into FROM users WHERE id = $1`, [newer])).toEqual([{ merged_into: older }]);
    const moves = await w.q(
      `SELECT user_id, bucket, amount, reason FROM point_ledger WHERE idempotency_key LIKE 'link:%' OR reference = $1 ORDER BY id`,
      [`link:${older}`],
    );
    expect(moves).toEqual([
      { user_id: newer, bucket: 'monthly_pollo', amount: -3, reason: 'reserve' },
      { user_id: newer, bucket: 'purchased', amount: -7, reason: 'reserve' },
      { user_id: older, bucket: 'monthly_pollo', amount: 3, reason: 'link_merge_in' },
      { user_id: older, bucket: 'purchased', amount: 7, reason: 'link_merge_in' },
    ]);
    expect((await w.bot.accounts.targets(older)).map((t) => t.platform).sort()).toEqual(['line', 'telegram']);
    expect(keys(await say(ev('telegram', '400', `/link ${code}`)))).toEqual(['bot.link.used']);
  });

  it('a refusal merges nothing, spends the code and tells the other account; a second claimer is refused', async () => {
    await say(ev('line', 'U410', '/help'));
    await say(ev('telegram', '410', '/help'));
    await say(ev('discord', '410', '/help'));
    const code = codeOf(await say(ev('line', 'U410', '/link')));
    expect(keys(await say(ev('telegram', '410', `/link ${code}`)))).toEqual(['bot.link.asked']);
    expect(keys(await say(ev('discord', '410', `/link ${code}`)))).toEqual(['bot.link.used']);
    expect(keys(await say(ev('line', 'U410', `/link refuse ${code}`)))).toEqual(['bot.link.refused']);
    expect(tgSends('c410').at(-1)!.params.text).toBe('Your LINE account refused to join. The accounts stay apart.');
    expect(await w.userOf('telegram', '410')).not.toBe(await w.userOf('line', 'U410'));
    expect(keys(await say(ev('line', 'U410', `/link confirm ${code}`)))).toEqual(['bot.link.not_pending']);
    expect(keys(await say(ev('telegram', '410', `/link ${code}`)))).toEqual(['bot.link.used']);
    expect(linePushes('cU410').join()).toContain('wants to join');
  });

  it('refuses expired and unknown codes, and a merge while the other account has a video running', async () => {
    await say(ev('line', 'U401', '/help'));
    await say(ev('telegram', '402', '/help'));
    const code = codeOf(await say(ev('line', 'U401', '/link')));
    await w.q(`UPDATE link_codes SET expires_at = now() - interval '1 second' WHERE code = $1`, [code]);
    expect(keys(await say(ev('telegram', '402', `/link ${code}`)))).toEqual(['bot.link.expired']);
    expect(keys(await say(ev('telegram', '402', '/link ZZZZZZZZ')))).toEqual(['bot.link.unknown']);

    const newer = await w.userOf('telegram', '402');
    await w.q(`INSERT INTO generations (user_id, prompt, status) VALUES ($1, 'x', 'running')`, [newer]);
    const code2 = codeOf(await say(ev('line', 'U401', '/link')));
    expect(keys(await say(ev('telegram', '402', `/link ${code2}`)))).toEqual(['bot.link.asked']);
    expect(keys(await say(ev('line', 'U401', `/link confirm ${code2}`)))).toEqual(['bot.link.busy']);
    expect(await w.userOf('telegram', '402')).toBe(newer);
  });
});

describe('console adapter (npm run chat)', () => {
  it('talks to the same core: replies in the terminal language, progress lines, then the video URL and a file path', async () => {
    const { ConsoleAdapter } = await import('../../bot/console/console-adapter.ts');
    const lines: string[] = [];
    const c = new ConsoleAdapter({
      core: w.bot.dispatcher,
      t: w.bot.t,
      write: (l) => lines.push(l),
      userId: 'alice',
      locale: 'ko-KR',
    });
    w.hub.register('console', c);
    await c.send('/help');
    expect(lines[0]).toContain('프롬프트를 보내면');
    await w.subscribe(await w.userOf('console', 'alice'), 'starter');
    await c.send('a kite over the sea');
    await w.runQueued();
    expect(lines.some((l) => /^… .*\d+%$/.test(l))).toBe(true);
    const done = lines.find((l) => l.startsWith('🎬'))!;
    expect(done).toMatch(/\n {2}https:\/\/127\.0\.0\.1:\d+\/media\/.+\.mp4/);
  });
});
