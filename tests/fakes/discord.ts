// A fake Discord HTTP API under /api/v10: edits of the deferred reply (JSON or multipart files[n] +
// payload_json), follow-up messages on the interaction webhook (flags kept, 64 = ephemeral), channel messages and
// DM channels with the bot token, and command registration. Files over 10 MiB get 413 like Discord's default upload
// limit. Source: api-contracts.md §8.
import { startFakeServer, type FormFile, type Recorded } from '../bot/support/fake-http.ts';

export interface DiscordEdit { applicationId: string; token: string; body: any; files: FormFile[] }

export async function startFakeDiscord(opts: { botToken?: string }) {
  const edits: DiscordEdit[] = [];
  const channelMessages: { channelId: string; body: any; files: FormFile[] }[] = [];
  const registered: { path: string; body: any }[] = [];
  const followups: DiscordEdit[] = [];
  const dms: { recipientId: string; channelId: string }[] = [];
  const ctl = { failEdits: 0 }; // the next n edits of @original answer 500
  /** Files users attached, served as Discord's CDN does at /attachments/<channel>/<id>/<name>. */
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  const split = (r: Recorded) => {
    if (r.form) {
      const files = Object.entries(r.form).filter(([k]) => k.startsWith('files[')).map(([, v]) => v as FormFile);
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
      if (ctl.failEdits > 0 && ctl.failEdits--) return { status: 500, json: { message: '500: Internal Server Error', code: 0 } };
      const { body, files } = split(r);
      if (files.some((f) => f.size > 10 * 1024 * 1024)) return { status: 413, json: { message: 'Request entity too large', code: 40005 } };
      edits.push({ applicationId: edit[1]!, token: edit[2]!, body, files });
      return { json: { id: String(edits.length), content: body.content } };
    }
    const follow = /^\/api\/v10\/webhooks\/(\d+)\/([^/?]+)(\?.*)?$/.exec(decodeURIComponent(r.path));
    if (follow && r.method === 'POST') {
      const { body, files } = split(r);
      if (!body.content && !(body.components ?? []).length) return { status: 400, json: { message: 'Cannot send an empty message', code: 50006 } };
      followups.push({ applicationId: follow[1]!, token: follow[2]!, body, files });
      return { json: { id: `f${followups.length}`, content: body.content, flags: body.flags ?? 0 } };
    }
    if (r.path === '/api/v10/users/@me/channels' && r.method === 'POST') {
      if (r.headers.authorization !== `Bot ${opts.botToken}`) return { status: 401, json: { message: '401: Unauthorized', code: 0 } };
      const channelId = `7${r.json.recipient_id}`;
      dms.push({ recipientId: r.json.recipient_id, channelId });
      return { json: { id: channelId, type: 1, recipients: [{ id: r.json.recipient_id }] } };
    }
    const ch = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(r.path);
    if (ch && r.method === 'POST') {
      if (r.headers.authorization !== `Bot ${opts.botToken}`) return { status: 401, json: { message: '401: Unauthorized', code: 0 } };
      const { body, files } = split(r);
      channelMessages.push({ channelId: ch[1]!, body, files });
      return { json: { id: String(channelMessages.length), channel_id: ch[1] } };
    }
    if (r.method === 'PUT' && /^\/api\/v10\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(r.path)) {
      if (r.headers.authorization !== `Bot ${opts.botToken}`) return { status: 401, json: { message: '401: Unauthorized', code: 0 } };
      registered.push({ path: r.path, body: r.json });
      return { json: (r.json as any[]).map((c, i) => ({ ...c, id: String(i + 1) })) };
    }
    return { status: 404, json: { message: '404: Not Found', code: 0 } };
  });
  return { ...fake, apiBase: `${fake.url}/api/v10`, attachments, edits, followups, dms, channelMessages, registered, ctl };
}
export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
