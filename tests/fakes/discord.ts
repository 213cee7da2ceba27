// A fake Discord HTTP API under /api/v10: edits of the deferred reply (JSON or multipart files[n] +
// payload_json), follow-up messages on the interaction webhook (flags kept, 64 = ephemeral), channel messages and
// DM channels with the bot token, and command registration. Files over 10 MiB get 413 like Discord's default upload
// limit. Every message records whom it would ping: without allowed_mentions Discord parses @everyone, @here, user
// and role mentions out of the content; `allowed_mentions: {parse: []}` pings nobody. Command registration is
// refused (50035) for an option with both choices and autocomplete, or a non-numeric default_member_permissions.
// Sources: docs/outside-contracts.md §8, docs/platforms.md.
import { startFakeServer, type FormFile, type Recorded } from '../bot/support/fake-http.ts';

export interface DiscordEdit {
  applicationId: string;
  token: string;
  body: any;
  files: FormFile[];
  pings: string[];
}

/** The mentions in a message's content that would notify someone, under its allowed_mentions. */
export function pingsOf(body: any): string[] {
  const content = String(body?.content ?? '');
  const am = body?.allowed_mentions;
  const parse: string[] = am ? (am.parse ?? []) : ['everyone', 'users', 'roles'];
  const out: string[] = [];
  if (parse.includes('everyone')) out.push(...(content.match(/@(everyone|here)\b/g) ?? []));
  for (const m of content.matchAll(/<@!?(\d+)>/g))
    if (parse.includes('users') || am?.users?.includes(m[1])) out.push(m[0]);
  for (const m of content.matchAll(/<@&(\d+)>/g))
    if (parse.includes('roles') || am?.roles?.includes(m[1])) out.push(m[0]);
  return out;
}

function invalidCommand(c: any): string | null {
  if (c.default_member_permissions != null && !/^\d+$/.test(String(c.default_member_permissions)))
    return 'default_member_permissions must be a bitfield string';
  for (const o of c.options ?? []) {
    if (o.autocomplete && o.choices?.length) return 'autocomplete and choices cannot both be set';
    if ((o.choices?.length ?? 0) > 25) return 'too many choices';
  }
  return null;
}

export async function startFakeDiscord(opts: { botToken?: string }) {
  const edits: DiscordEdit[] = [];
  const channelMessages: { channelId: string; body: any; files: FormFile[]; pings: string[] }[] = [];
  const registered: { path: string; body: any }[] = [];
  const followups: DiscordEdit[] = [];
  const dms: { recipientId: string; channelId: string }[] = [];
  const ctl = { failEdits: 0 }; // the next n edits of @original answer 500
  /** Files users attached, served as Discord's CDN does at /attachments/<channel>/<id>/<name>. */
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  const split = (r: Recorded) => {
    if (r.form) {
      const files = Object.entries(r.form)
        .filter(([k]) => k.startsWith('files['))
        .map(([, v]) => v as FormFile);
      return { body: JSON.parse(r.form.payload_json as string), files };
    }
    return { body: r.json, files: [] as FormFile[] };
  };
  const fake = await startFakeServer(async (r: Recorded) => {
    const cdn = /^\/attachments\/(.+)$/.exec(r.path.split('?')[0]!);
    if (cdn && r.method === 'GET') {
      const a = attachments.get(cdn[1]!);
      return a ? { bytes: a.bytes, contentType: a.contentType } : { status: 404, json: { message: 'Not Found' } };
    }
    const edit = /^\/api\/v10\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(decodeURIComponent(r.path));
    if (edit && r.method === 'PATCH') {
      if (ctl.failEdits > 0 && ctl.failEdits--)
        return { status: 500, json: { message: '500: Internal Server Error', code: 0 } };
      const { body, files } = split(r);
      if (files.some((f) => f.size > 10 * 1024 * 1024))
        return { status: 413, json: { message: 'Request entity too large', code: 40005 } };
      edits.push({ applicationId: edit[1]!, token: edit[2]!, body, files, pings: pingsOf(body) });
      return { json: { id: String(edits.length), content: body.content } };
    }
    const follow = /^\/api\/v10\/webhooks\/(\d+)\/([^/?]+)(\?.*)?$/.exec(decodeURIComponent(r.path));
    if (follow && r.method === 'POST') {
      const { body, files } = split(r);
      if (!body.content && !(body.components ?? []).length)
        return { status: 400, json: { message: 'Cannot send an empty message', code: 50006 } };
      followups.push({ applicationId: follow[1]!, token: follow[2]!, body, files, pings: pingsOf(body) });
      return { json: { id: `f${followups.length}`, content: body.content, flags: body.flags ?? 0 } };
    }
    if (r.path === '/api/v10/users/@me/channels' && r.method === 'POST') {
      if (r.headers.authorization !== `Bot ${opts.botToken}`)
        return { status: 401, json: { message: '401: Unauthorized', code: 0 } };
      const channelId = `7${r.json.recipient_id}`;
      dms.push({ recipientId: r.json.recipient_id, channelId });
      return { json: { id: channelId, type: 1, recipients: [{ id: r.json.recipient_id }] } };
    }
    const ch = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(r.path);
    if (ch && r.method === 'POST') {
      if (r.headers.authorization !== `Bot ${opts.botToken}`)
        return { status: 401, json: { message: '401: Unauthorized', code: 0 } };
      const { body, files } = split(r);
      channelMessages.push({ channelId: ch[1]!, body, files, pings: pingsOf(body) });
      return { json: { id: String(channelMessages.length), channel_id: ch[1] } };
    }
    if (r.method === 'PUT' && /^\/api\/v10\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(r.path)) {
      if (r.headers.authorization !== `Bot ${opts.botToken}`)
        return { status: 401, json: { message: '401: Unauthorized', code: 0 } };
      const bad = (r.json as any[]).map(invalidCommand).find(Boolean);
      if (bad)
        return {
          status: 400,
          json: { message: 'Invalid Form Body', code: 50035, errors: { _errors: [{ message: bad }] } },
        };
      registered.push({ path: r.path, body: r.json });
      return { json: (r.json as any[]).map((c, i) => ({ ...c, id: String(i + 1) })) };
    }
    return { status: 404, json: { message: '404: Not Found', code: 0 } };
  });
  return {
    ...fake,
    apiBase: `${fake.url}/api/v10`,
    attachments,
    edits,
    followups,
    dms,
    channelMessages,
    registered,
    ctl,
  };
}
export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
