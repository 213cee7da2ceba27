// Discord the way its users expect, against the fake Discord API: nothing we send pings (allowed_mentions empty,
// even when the content echoes "@everyone"); personal answers are ephemeral (flag 64); a pressed button answers in
// its own message with the answered buttons disabled; /style autocompletes over the catalogue; /admin is registered
// for administrators only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatWorld, DISCORD_APP, DISCORD_BOT, type ChatWorld } from './support/world.ts';
import { discordCommand, postDiscord } from './support/signed.ts';
import { pingsOf } from '../fakes/discord.ts';
import { styleChoices } from '../../bot/discord/autocomplete.ts';

let w: ChatWorld;
beforeAll(async () => {
  w = await buildChatWorld({ tlsMedia: false });
}, 60_000);
afterAll(async () => w?.close());

const editsOf = (token: string) => w.discord.edits.filter((e) => e.token === token);
const followupsOf = (token: string) => w.discord.followups.filter((e) => e.token === token);
const NO_PINGS = { parse: [] };

function withOption(i: ReturnType<typeof discordCommand>, options: unknown[]) {
  return { ...i, data: { ...(i.data as object), options } };
}

describe('Discord mentions and ephemeral answers', () => {
  it('the fake counts pings the way Discord does: content alone pings, empty allowed_mentions does not', () => {
    expect(pingsOf({ content: 'hi @everyone and <@123>' })).toEqual(['@everyone', '<@123>']);
    expect(pingsOf({ content: 'hi @everyone and <@123>', allowed_mentions: NO_PINGS })).toEqual([]);
  });

  it('an answer echoing "@everyone" from the user carries empty allowed_mentions and pings nobody', async () => {
    // An admin's reference that matches nobody is echoed back: "No user found for @everyone."
    const i = withOption(discordCommand('8888', 'admin', { guildId: '4601', channelId: '5601' }), [
      { name: 'command', type: 3, value: 'user @everyone' },
    ]);
    expect((await postDiscord(w, i)).statusCode).toBe(200);
    const [edit] = editsOf(i.token);
    expect(edit!.body.content).toBe('No user found for @everyone.');
    expect(edit!.body.allowed_mentions).toEqual(NO_PINGS);
    expect(edit!.pings).toEqual([]);
  });

  it('a personal button pressed in a server channel: buttons disabled by type 7, the answer an ephemeral follow-up (flag 64)', async () => {
    const rows = [
      {
        type: 1,
        components: [
          { type: 2, style: 1, label: 'Balance', custom_id: '/balance' },
          { type: 2, style: 5, label: 'Plans', url: 'https://vidgo.test/plans' },
        ],
      },
    ];
    const press = {
      ...discordCommand('602', '', { guildId: '4602', channelId: '5602', custom: '/balance' }),
      message: { id: '1', channel_id: '5602', content: 'menu', components: rows },
    };
    const res = await postDiscord(w, press);
    expect(res.result).toMatchObject({ type: 7, data: { allowed_mentions: NO_PINGS } });
    const buttons = (res.result as any).data.components[0].components;
    expect(buttons[0]).toMatchObject({ custom_id: '/balance', disabled: true, style: 3 });
    expect(buttons[1]).toMatchObject({ style: 5, url: 'https://vidgo.test/plans' });
    expect(buttons[1].disabled).toBeUndefined(); // a link answers nothing: it stays usable
    expect(editsOf(press.token)).toHaveLength(0); // the shared message keeps its content
    const [f] = followupsOf(press.token);
    expect(f!.body.flags).toBe(64);
    expect(f!.body.content).toMatch(/^Points: \d+ in total/);
    expect(f!.body.allowed_mentions).toEqual(NO_PINGS);
  });

  it('a personal slash command in a server channel is deferred ephemerally; any personal part of a shared answer follows with flag 64', async () => {
    const i = discordCommand('603', 'balance', { guildId: '4603', channelId: '5603' });
    expect((await postDiscord(w, i)).result).toEqual({ type: 5, data: { flags: 64 } });
    expect(editsOf(i.token)[0]!.body.allowed_mentions).toEqual(NO_PINGS);
    // A video asked in a server channel while the unlimited providers are down: the consent question names the
    // user's balance, so it is personal and follows ephemerally under the shared answer.
    const userId = await w.userOf('discord', '603');
    await w.subscribe(userId, 'starter');
    await w.ledger.credit(userId, 'purchased', 30, 'purchase', `test:${userId}:buy`);
    await w.setDown('leonardo', 'runway');
    const v = withOption(discordCommand('603', 'video', { guildId: '4603', channelId: '5603' }), [
      { name: 'prompt', type: 3, value: 'a fox @here' },
    ]);
    await postDiscord(w, v);
    await w.setUp('leonardo', 'runway');
    const follow = followupsOf(v.token);
    expect(follow.length).toBeGreaterThan(0);
    for (const f of follow) expect(f.body.flags).toBe(64);
    expect(follow.some((f) => f.body.components.length > 0)).toBe(true); // the consent buttons
    for (const m of [...editsOf(v.token), ...follow]) {
      expect(m.body.allowed_mentions).toEqual(NO_PINGS);
      expect(m.pings).toEqual([]);
    }
  });
});

describe('Discord buttons answer in their message', () => {
  it('a button in the DM: deferred update (type 6), the message becomes the answer with the answered buttons disabled', async () => {
    const ask = discordCommand('604', 'settings');
    await postDiscord(w, ask);
    const question = editsOf(ask.token)[0]!.body;
    const press = {
      ...discordCommand('604', '', { custom: '/settings autopay on' }),
      message: { id: '2', channel_id: '9604', content: question.content, components: question.components },
    };
    expect((await postDiscord(w, press)).result).toEqual({ type: 6 });
    const [edit] = editsOf(press.token);
    expect(edit!.body.content).toBe('Auto-pay turned on.');
    const buttons = edit!.body.components.flatMap((r: any) => r.components);
    expect(buttons.map((b: any) => [b.custom_id, b.disabled])).toEqual([
      ['/settings autopay on', true],
      ['/settings autopay off', true],
    ]);
    expect(buttons[0].style).toBe(3);
    expect(followupsOf(press.token)).toHaveLength(0); // no new message
  });
});

describe('Discord /style autocomplete and registration', () => {
  it("answers a /style autocomplete at once (type 8) with matching styles named in the user's language", async () => {
    const base = discordCommand('605', 'style');
    const ac = {
      ...base,
      type: 4,
      locale: 'ja',
      data: { id: '77', name: 'style', type: 1, options: [{ name: 'style', type: 3, value: 'アニ', focused: true }] },
    };
    const res = await postDiscord(w, ac);
    const choices = (res.result as any).data.choices as { name: string; value: string }[];
    expect(res.result).toMatchObject({ type: 8 });
    expect(choices[0]).toEqual({ name: 'アニメ', value: 'anime' }); // the name that starts with what was typed comes first
    expect(choices.every((c) => c.name.includes('アニ'))).toBe(true);
    const all = {
      ...ac,
      locale: 'en-US',
      data: { ...ac.data, options: [{ name: 'style', type: 3, value: '', focused: true }] },
    };
    const every = ((await postDiscord(w, all)).result as any).data.choices as { value: string }[];
    expect(every.map((c) => c.value)).toEqual(
      expect.arrayContaining(['anime', 'ghibli', 'pixar', 'cyberpunk', 'clay', 'sketch']),
    );
    expect(
      await w.q(`SELECT 1 FROM processed_events WHERE source = 'discord' AND event_id = $1`, [ac.id]),
    ).toHaveLength(0);
  });

  it('autocomplete covers a catalogue beyond 25 styles: any of them can be found, 25 shown at a time', async () => {
    const many = Array.from({ length: 60 }, (_, n) => ({
      id: `s${n}`,
      name: `Style ${n}`,
      names: { en: `Style ${n}` },
      aliases: n === 47 ? ['neon rain'] : [],
    }));
    expect(await styleChoices(async () => many, '', 'en-US')).toHaveLength(25);
    expect(await styleChoices(async () => many, 'neon', 'en-US')).toEqual([{ name: 'Style 47', value: 's47' }]);
    expect((await styleChoices(async () => many, 'style 5', 'en-US')).map((c) => c.value)).toEqual([
      's5',
      's50',
      's51',
      's52',
      's53',
      's54',
      's55',
      's56',
      's57',
      's58',
      's59',
    ]);
  });

  it('registers /style with an autocompleted option and /admin for administrators only', async () => {
    const { registerDiscordCommands } = await import('../../app/discord-register.ts');
    await registerDiscordCommands({ applicationId: DISCORD_APP, botToken: DISCORD_BOT, apiBase: w.discord.apiBase });
    const body = w.discord.registered.at(-1)!.body as any[];
    const style = body.find((c) => c.name === 'style');
    expect(style.options[0]).toMatchObject({ name: 'style', autocomplete: true });
    expect(style.options[0].choices).toBeUndefined();
    expect(body.find((c) => c.name === 'admin').default_member_permissions).toBe('8');
    expect(body.filter((c) => c.default_member_permissions != null).map((c) => c.name)).toEqual(['admin']);
  });
});
