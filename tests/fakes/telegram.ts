// A fake Telegram Bot API at /bot<token>/<method> (core.telegram.org/bots/api): JSON or multipart bodies,
// {ok, result} answers, 401 for a wrong token, 400 for a video URL it cannot fetch or over 20 MB, 403 for a
// private chat with a user who never started the bot (bots cannot open a conversation).
import { fetchMedia, startFakeServer, type Fetched, type FormFile, type Recorded } from '../bot/support/fake-http.ts';

export interface TgCall { method: string; params: Record<string, any>; messageId?: number }

export async function startFakeTelegram(opts: { token: string }) {
  const calls: TgCall[] = [];
  const fetched: Fetched[] = [];
  const updates: any[] = [];
  /** Files users sent, by file_id: getFile and GET /file/bot<token>/<file_path> (Bot API: at most 20 MB by getFile). */
  const files = new Map<string, Buffer>();
  let messageId = 100;
  // failSends: the next n sendMessage calls answer 500 (after being recorded); notStarted: user ids whose private
  // chat with the bot does not exist yet; holdMs: how long an empty getUpdates is held.
  const ctl = { failSends: 0, notStarted: new Set<string>(), holdMs: 50 };
  const polls: { seq: number; held?: () => void; conflicted?: number; conflicts: number } = { seq: 0, conflicts: 0 };
  const ok = (result: unknown) => ({ json: { ok: true, result } });
  const bad = (description: string, code = 400) => ({ status: code, json: { ok: false, error_code: code, description } });

  const fake = await startFakeServer(async (r: Recorded) => {
    const download = /^\/file\/bot([^/]+)\/files\/([^/]+)$/.exec(r.path);
    if (download && r.method === 'GET') {
      if (download[1] !== opts.token) return bad('Unauthorized', 401);
      const f = files.get(decodeURIComponent(download[2]!));
      return f ? { bytes: f } : bad('Not Found', 404);
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(r.path);
    if (!m) return bad('Not Found', 404);
    if (m[1] !== opts.token) return bad('Unauthorized', 401);
    const method = m[2]!;
    const params: Record<string, any> = r.json ?? r.form ?? {};
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === 'string' && /^[[{]/.test(v)) try { params[k] = JSON.parse(v); } catch { /* plain string */ }
    }
    const call: TgCall = { method, params };
    calls.push(call);
    // Private chat ids are the (positive) user ids; group and supergroup ids are negative.
    const chat = { id: Number(params.chat_id), type: Number(params.chat_id) > 0 ? 'private' : 'supergroup' };
    const msg = (extra: object) => ({ message_id: (call.messageId = ++messageId), date: Math.floor(Date.now() / 1000), chat, ...extra });
    if (/^send/.test(method) && ctl.notStarted.has(String(params.chat_id))) return bad("Forbidden: bot can't initiate conversation with a user", 403);
    switch (method) {
      case 'getFile': {
        const f = files.get(String(params.file_id));
        if (!f) return bad('Bad Request: invalid file_id');
        if (f.length > 20 * 1024 * 1024) return bad('Bad Request: file is too big');
        return ok({ file_id: params.file_id, file_unique_id: `u-${params.file_id}`, file_size: f.length, file_path: `files/${encodeURIComponent(String(params.file_id))}` });
      }
      case 'getMe':
        return ok({ id: Number(opts.token.split(':')[0]), is_bot: true, first_name: 'VidGo', username: 'VidGoTestBot' });
      case 'deleteWebhook':
      case 'sendChatAction':
      case 'answerCallbackQuery':
        return ok(true);
      case 'getUpdates': {
        // Long polling: hold an empty answer briefly, as Telegram holds it for `timeout` seconds. A second
        // consumer polling meanwhile ends the held request with 409 Conflict, as Telegram does.
        const mine = ++polls.seq;
        polls.held?.();
        if (!updates.length) {
          await new Promise<void>((r) => {
            const t = setTimeout(r, ctl.holdMs);
            polls.held = () => { clearTimeout(t); polls.conflicted = mine; r(); };
          });
          if (polls.conflicted === mine) {
            polls.conflicts++;
            return bad('Conflict: terminated by other getUpdates request; make sure that only one bot instance is running', 409);
          }
          polls.held = undefined;
        }
        return ok(updates.splice(0));
      }
      case 'sendMessage':
        if (ctl.failSends > 0 && ctl.failSends--) return bad('Internal Server Error', 500);
        if (!params.text) return bad('Bad Request: message text is empty');
        return ok(msg({ text: params.text }));
      case 'editMessageText':
        if (!params.message_id) return bad('Bad Request: message to edit not found');
        return ok({ ...msg({ text: params.text }), message_id: Number(params.message_id) });
      case 'sendVideo': {
        const v = params.video;
        if (typeof v === 'string') {
          const f = await fetchMedia(v);
          fetched.push(f);
          if (f.status !== 200 || f.size > 20 * 1024 * 1024) return bad('Bad Request: failed to get HTTP URL content');
          return ok(msg({ video: { file_id: 'vid', file_size: f.size, mime_type: f.contentType }, caption: params.caption }));
        }
        const file = v as FormFile | undefined;
        if (!file || file.size > 50 * 1024 * 1024) return bad('Bad Request: file is too big');
        return ok(msg({ video: { file_id: 'vid', file_size: file.size }, caption: params.caption }));
      }
      default:
        return bad(`Bad Request: method ${method} not found`, 404);
    }
  });
  return { ...fake, calls, fetched, updates, files, ctl, polls, of: (method: string) => calls.filter((c) => c.method === method) };
}
export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;
